"""`python -m et_llm` is the `et-llm` command line."""

import sys

from et_llm.cli import main

sys.exit(main())
