"""disclose: a static site generator for public budget-disclosure portals (部门预算公开).

The pipeline, one module per step, imports pointing one way:

    config → yamlsource/loader → validate (schema) → model → render → writer
"""

__version__ = "0.1.0"
