# Dual-Process Studio. `make run` opens the window, `make test` checks everything.

export PATH := /usr/local/go/bin:$(PATH)
GO ?= go

# Debian packages the build needs: a C compiler and the OpenGL/X11 headers for
# Fyne's cgo driver, and OpenBLAS for the model code.
APT_PACKAGES := gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
	libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libopenblas-dev

# apt-get needs root: use sudo only when not already root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build run test icon

# Installs the packages that dpkg does not report as installed, if any.
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q 'install ok installed' \
			|| missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then \
		echo "deps: all Debian packages present"; \
	else \
		echo "deps: installing$$missing"; \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

build:
	$(GO) build -o dualprocess .

run: deps build
	./dualprocess

test: deps
	$(GO) vet ./...
	$(GO) test -timeout 60m ./...

# Redraws assets/icon.png (the generator is not part of the binary).
icon:
	cd assets && $(GO) run icon_gen.go icon.png
