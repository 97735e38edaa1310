"""nn-conv's classes (numpy): {ClassName: module file}."""

NAMES: dict[str, str] = {}
