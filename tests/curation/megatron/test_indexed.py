"""The indexed-dataset writer and reader, against megatron-core's own reader."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.megatron.indexed import (
    IndexedFormatError,
    IndexedReader,
    IndexedWriter,
    bin_path,
    idx_path,
    index_bytes,
    token_dtype,
)

# megatron-core and torch warn at import (no CUDA libraries, deprecations): not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


def test_token_dtype_fits_the_vocabulary():
    assert token_dtype(65_536) == np.uint16
    assert token_dtype(65_537) == np.int32
    assert token_dtype(250_680) == np.int32


def test_index_layout_is_megatron_bytes():
    data = index_bytes(np.array([3, 1]), np.dtype(np.uint16))
    assert data[:9] == b"MMIDIDX\x00\x00"
    assert data[9:17] == (1).to_bytes(8, "little")
    assert data[17] == 8  # uint16
    assert int.from_bytes(data[18:26], "little") == 2  # sequences
    assert int.from_bytes(data[26:34], "little") == 3  # document indices (n + 1)
    assert np.frombuffer(data[34:42], "<i4").tolist() == [3, 1]
    assert np.frombuffer(data[42:58], "<i8").tolist() == [0, 6]
    assert np.frombuffer(data[58:82], "<i8").tolist() == [0, 1, 2]
    assert len(data) == 82


docs_strategy = st.lists(st.lists(st.integers(0, 65_535), min_size=0, max_size=40), min_size=0, max_size=30)


@settings(max_examples=60, deadline=None)
@given(docs=docs_strategy, wide=st.booleans())
def test_write_read_round_trip(tmp_path_factory, docs, wide):
    dtype = np.int32 if wide else np.uint16
    prefix = tmp_path_factory.mktemp("ds") / "d"
    with IndexedWriter(prefix, dtype) as w:
        # half as one batch, the rest one by one: both paths must agree
        half = len(docs) // 2
        flat = [t for d in docs[:half] for t in d]
        w.add_documents(np.array(flat, dtype=np.int64), np.array([len(d) for d in docs[:half]]))
        for d in docs[half:]:
            w.add_document(d)
    r = IndexedReader(prefix)
    assert len(r) == len(docs)
    assert r.tokens == sum(map(len, docs))
    assert [r[i].tolist() for i in range(len(r))] == docs
    assert r.document_lengths().tolist() == [len(d) for d in docs]
    assert bin_path(prefix).stat().st_size == r.tokens * np.dtype(dtype).itemsize


def test_reader_returns_views_not_copies(tmp_path):
    prefix = tmp_path / "v"
    with IndexedWriter(prefix, np.uint16) as w:
        w.add_document([5, 6, 7])
        w.add_document([8])
    r = IndexedReader(prefix)
    doc = r[0]
    assert isinstance(doc.base, np.ndarray) or doc.base is not None
    assert not doc.flags.owndata and not doc.flags.writeable
    assert np.shares_memory(doc, r[0])
    assert r[-1].tolist() == [8]
    assert bytes(r.raw(0, 2)) == np.array([5, 6, 7, 8], "<u2").tobytes()
    with pytest.raises(IndexError):
        r[2]


def test_megatron_core_reads_what_we_write(tmp_path):
    from megatron.core.datasets.indexed_dataset import IndexedDataset

    rng = np.random.default_rng(7)
    docs = [rng.integers(0, 70_000, size=int(n)).tolist() for n in rng.integers(3, 50, size=25)]
    prefix = tmp_path / "m"
    with IndexedWriter(prefix, token_dtype(70_000)) as w:
        for d in docs:
            w.add_document(d)
    ds = IndexedDataset(str(prefix))
    assert len(ds) == len(docs)
    assert ds.document_indices.tolist() == list(range(len(docs) + 1))
    for i, d in enumerate(docs):
        assert ds[i].tolist() == d
        assert ds.get(i, offset=1, length=2).tolist() == d[1:3]


def test_megatron_core_builder_writes_the_same_bytes(tmp_path):
    import torch
    from megatron.core.datasets.indexed_dataset import IndexedDatasetBuilder

    docs = [[1, 2, 3], [4], [5, 6]]
    ours = tmp_path / "ours"
    with IndexedWriter(ours, np.uint16) as w:
        for d in docs:
            w.add_document(d)
    theirs = tmp_path / "theirs"
    builder = IndexedDatasetBuilder(str(bin_path(theirs)), dtype=np.uint16)
    for d in docs:
        builder.add_document(torch.tensor(d), [len(d)])
    builder.finalize(str(idx_path(theirs)))
    assert bin_path(ours).read_bytes() == bin_path(theirs).read_bytes()
    assert idx_path(ours).read_bytes() == idx_path(theirs).read_bytes()


def test_torch_tensor_of_a_document(tmp_path):
    import torch

    prefix = tmp_path / "t"
    with IndexedWriter(prefix, np.int32) as w:
        w.add_document([70_000, 1, 2])
    tensor = IndexedReader(prefix).torch(0)
    assert tensor.dtype == torch.int32
    assert tensor.tolist() == [70_000, 1, 2]
    assert tensor.is_pinned() == torch.cuda.is_available()


def test_interrupted_writer_leaves_no_dataset(tmp_path):
    prefix = tmp_path / "x"
    with pytest.raises(RuntimeError):
        with IndexedWriter(prefix, np.uint16) as w:
            w.add_document([1, 2])
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_corrupt_files_name_the_file(tmp_path):
    prefix = tmp_path / "c"
    with IndexedWriter(prefix, np.uint16) as w:
        w.add_document([1, 2, 3])
    with open(bin_path(prefix), "ab") as f:
        f.write(b"\x00\x00")
    with pytest.raises(IndexedFormatError, match=r"c\.bin: 8 bytes, but the index describes 3 tokens"):
        IndexedReader(prefix)
    idx_path(prefix).write_bytes(b"NOTANIDX" + b"\x00" * 40)
    with pytest.raises(IndexedFormatError, match=r"c\.idx: not a Megatron index"):
        IndexedReader(prefix)
