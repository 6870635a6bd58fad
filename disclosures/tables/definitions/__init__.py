"""Table sets. Importing this package registers every set's definitions."""

from . import hunan, national  # noqa: F401  (registration on import)
