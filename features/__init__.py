"""crfner's declared feature sets (*.toml), installed as the package ``crfner.featuresets``."""
