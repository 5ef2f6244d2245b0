import sys

from speechlens.cli import main

sys.exit(main())
