"""The `report` stage: `report.html` and a data card per language, from the statistics and signals."""

from __future__ import annotations

from curation.layout import Layout
from curation.stage import Stage, StageResult

NAME = "report"


def run(config, progress: bool = True) -> StageResult:
    from curation.catalog import load_catalog
    from curation.report.datacard import write_datacards
    from curation.report.html import write_report
    from curation.report.signals import read_signals
    from curation.report.thresholds import thresholds_for

    layout = Layout(config.output_dir)
    catalog = load_catalog(config.catalog)
    from curation.filter_stage import with_run_defaults

    # the values the filter stage applied: with the thresholds it derived from the run's reference text
    thresholds = thresholds_for(config.model_copy(update={"filter": with_run_defaults(config)}))
    signals = read_signals(layout)
    report = write_report(layout, catalog, thresholds, None, signals)
    cards = write_datacards(layout, catalog, thresholds, signals)
    return StageResult(outputs=[str(report), *map(str, cards)], facts={"report": str(report), "data cards": len(cards)})


STAGE = Stage(NAME, run, output=Layout.report)
