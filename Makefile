# The two commands: `make run` serves on the embedded default, `make test`
# builds and runs every suite (also under ASan + UBSan).
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)

PREFIX     ?= /usr/local

.PHONY: all deps api-page build build-asan run test install deb lint clean format

all: build

deps:
	./scripts/install-deps

# The API page's Swagger UI comes from npm (docs/ui/package-lock.json).
api-page:
	@[ -d docs/ui/node_modules/swagger-ui-dist ] || \
		(cd docs/ui && npm ci --no-audit --no-fund --loglevel=error)

build: deps api-page
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps api-page
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DDIALBOOK_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# make run PORT=8081 serves on another port.
PORT       ?= 8080

run: build
	@mkdir -p var
	./$(BUILD)/dialbookd --listen 127.0.0.1:$(PORT) --db var/dialbook.db \
		--dev-client-file var/dev-client.env

test: build build-asan
	./scripts/run-tests $(BUILD) $(ASAN_BUILD)

# dialbookd, the dialbook CLI, libdialbook (shared and static), its header,
# dialbook.pc (written for PREFIX), the API page, the man pages, the systemd
# unit and the Python package; DESTDIR=DIR stages it all under DIR.
install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix $(PREFIX)

# The same as a Debian package, under /usr: $(BUILD)/dialbook_VERSION_ARCH.deb.
deb: build
	cd $(BUILD) && cpack -G DEB

# cppcheck and clang-tidy (.clang-tidy), both kept clean.
lint: build
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 -I. -Isrc -Iinclude --suppress=missingIncludeSystem src cli fuzz tests/unit tests/store
	cmake -S . -B build-lint -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
		-DCMAKE_INTERPROCEDURAL_OPTIMIZATION=OFF >/dev/null
	run-clang-tidy -p build-lint -quiet 'src/|cli/' 2>&1 | \
		{ ! grep -E "(warning|error):"; }

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
