# SPDX-License-Identifier: GPL-2.0
# Module build (what dkms runs) plus the two commands of the README.

KDIR ?= /lib/modules/$(shell uname -r)/build

.PHONY: all modules clean demo check
all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

# Boot a VM with the module and show it working.
demo:
	./scripts/demo.sh

# Every check: build, style, dkms, VM tests. Ends with "N passed, N failed".
check:
	./scripts/check.sh
