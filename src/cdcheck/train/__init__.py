"""Maintainer-only tools, never on the checking road: the corpus, training the classifier,
evaluating it against baselines, its metrics, and building the gazetteer. They need the `train`
and `dev` extras (torch, transformers, peft, wordfreq)."""
