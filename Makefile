# The two commands a newcomer runs: `make run` and `make test`.
SWIFT ?= swift
IAASD_ARGS ?=

.PHONY: deps image conformance build release run test bench format

deps:
	@scripts/install-deps.sh

## The default AMI (kernel, initramfs, root disk) from Debian's packages, into .build/images/default, and
## the classic engine's guests (riscv32, built with the toolchain's clang) into .build/images/classic.
image: deps
	guests/default/build.sh
	guests/classic/build.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Builds release and runs iaasd in the foreground on the default data directory.
run: release image
	.build/release/iaasd --image-directory .build/images/default --classic-image-directory .build/images/classic $(IAASD_ARGS)

## boto3 and the AWS CLI, pinned, in .build/conformance-venv: the clients the conformance suite drives iaasd with.
conformance:
	scripts/conformance-env.sh

## The whole suite: unit tests of every module and the daemon tests that run the real iaasd.
test: deps image conformance
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: deps
	$(SWIFT) run -c release iaas-bench volumes
	$(SWIFT) run -c release iaas-bench sqs
	$(SWIFT) run -c release iaas-bench s3
	$(SWIFT) run -c release iaas-bench instances
	$(SWIFT) run -c release iaas-bench http

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift
