# SPDX-License-Identifier: GPL-2.0
# Module build (what dkms runs) plus the commands of the README.

KDIR ?= /lib/modules/$(shell uname -r)/build

.PHONY: all modules clean demo check fuzz soak fuzz-planted bench
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

# The fuzzer in the VM for FUZZ_SECONDS (600); the corpus grows in the cache.
fuzz:
	./scripts/fuzz.sh

# SOAK_CYCLES (1000) load/use/unload cycles, SOAK_FUZZ_SECONDS (600) of
# fuzzing, a kmemleak scan.
soak:
	./scripts/soak.sh

# The bounded fuzz of make check must find a planted bug (one VM boot).
fuzz-planted:
	./scripts/planted-bug.sh

# The benchmarks: our module on 6.12 against upstream 7.2's native
# iommufd (BENCH_BOOTS pairs of boots); out/bench.txt and out/bench.png.
bench:
	./scripts/bench.sh
