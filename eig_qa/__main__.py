"""`python -m eig_qa`: the command line."""

import sys

from eig_qa.cli import main

sys.exit(main())
