"""nn-table's elementwise table arithmetic: {ClassName: module file}."""

NAMES: dict[str, str] = {
    "CAddTable": "c_add_table",
    "CDivTable": "c_div_table",
    "CMaxTable": "c_max_table",
    "CMinTable": "c_min_table",
    "CMulTable": "c_mul_table",
    "CSubTable": "c_sub_table",
}
