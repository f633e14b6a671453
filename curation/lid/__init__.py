"""Language identification tools around the langid filter: the languages a model can output, and evaluation."""
