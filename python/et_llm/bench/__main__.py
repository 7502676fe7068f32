"""`python -m et_llm.bench`: the same as `et-llm bench`."""

import sys

from et_llm.bench.command import main

sys.exit(main())
