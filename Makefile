# Makefile — builds the fraiseql extension with PGXS, and wraps the two project commands.
#
#   make && sudo make install && make installcheck   the PGXS convention (server must preload)
#   make demo    install deps, build, install, throwaway cluster, sample data and calls
#   make test    install deps, build, install, throwaway cluster, pg_regress + pgTAP
#   make bench   install deps, build, install, throwaway cluster, pgbench side by side

EXTENSION  = fraiseql
MODULE_big = fraiseql
DATA       = sql/fraiseql--0.1.0.sql sql/fraiseql--0.2.0.sql sql/fraiseql--0.1.0--0.2.0.sql \
             sql/fraiseql--0.2.0--0.3.0.sql
PGFILEDESC = "fraiseql - stream FraiseQL JSON views"

OBJS = \
	src/fraiseql.o \
	src/source.o \
	src/filter.o \
	src/elements.o \
	src/operators.o \
	src/optypes.o \
	src/order.o \
	src/sqlbuild.o \
	src/query.o \
	src/shape.o \
	src/stream.o \
	src/scan.o \
	src/callargs.o \
	src/plancache.o \
	src/localplans.o \
	src/ownplan.o \
	src/pushdown.o \
	src/pushdown_value.o \
	src/pushdown_nulls.o \
	src/selection.o \
	src/project.o \
	src/jsonwrite.o \
	src/response.o \
	src/connection.o \
	src/keyset.o \
	src/cursor.o \
	src/parse.o \
	src/jsonsource.o \
	src/json_simd.o \
	src/json_simd_stage1.o \
	src/json_simd_grammar.o \
	src/json_simd_lookup.o

REGRESS      = is_json parse to_sql operators errors stream scan plancache shape projection callargs connection pushdown
REGRESS_OPTS = --inputdir=. --load-extension=fraiseql
# specs/*.spec with expected/*.out, run by pg_isolation_regress (make installcheck, make test)
ISOLATION    = concurrent_drop
ISOLATION_OPTS = --load-extension=fraiseql

PG_CONFIG ?= pg_config

SIMDJSON_CFLAGS := $(shell pkg-config --cflags simdjson 2>/dev/null)
SIMDJSON_LIBS   := $(shell pkg-config --libs simdjson 2>/dev/null || echo -lsimdjson)

PG_CPPFLAGS = -I$(srcdir)/src
# -Wextra, less the two families that PostgreSQL's own headers and PG_FUNCTION_ARGS trip.
# Functions start on a 64-byte line: where the per-row functions of parse and is_json
# happened to land in the library moved parse() over 1M documents by 8% (380 -> 410 ms)
# after an unrelated change; aligned, 361-366 ms, and is_json 142-145 ms.
PG_CFLAGS   = -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -falign-functions=64
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -falign-functions=64 $(SIMDJSON_CFLAGS)
SHLIB_LINK += $(SIMDJSON_LIBS) -lstdc++

EXTRA_CLEAN = results regression.diffs regression.out fuzz/json_simd_fuzzer fuzz/stage1_check fuzz/work

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Debian builds LLVM bitcode for JIT inlining; its %.bc: %.cpp rule ignores PG_CXXFLAGS,
# so -std=c++17 and simdjson's defines would be lost.  Give the rule the same flags.
COMPILE.cxx.bc = $(CLANG) -xc++ -Wno-ignored-attributes $(BITCODE_CXXFLAGS) $(CPPFLAGS) $(PG_CXXFLAGS) -flto=thin -emit-llvm -c

$(OBJS): $(wildcard $(srcdir)/src/*.h) $(wildcard $(srcdir)/src/*.hpp)

.PHONY: demo test bench
demo:
	$(srcdir)/scripts/demo.sh
test:
	$(srcdir)/scripts/test.sh
bench:
	$(srcdir)/bench/run.sh

# libFuzzer over the C API of json_simd*.cpp, with ASan and UBSan (needs clang-14 and
# libclang-rt-14-dev).  FUZZ_SECONDS bounds the run.
FUZZ_SECONDS ?= 60
FUZZ_CXX ?= clang++-14
JSON_SIMD_SRCS = src/json_simd.cpp src/json_simd_stage1.cpp src/json_simd_grammar.cpp src/json_simd_lookup.cpp
JSON_SIMD_HDRS = src/json_simd.h src/json_simd_internal.hpp
fuzz/json_simd_fuzzer: fuzz/fuzz_json_simd.cpp $(JSON_SIMD_SRCS) $(JSON_SIMD_HDRS)
	$(FUZZ_CXX) -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		$(SIMDJSON_CFLAGS) -I$(srcdir)/src -o $@ fuzz/fuzz_json_simd.cpp $(JSON_SIMD_SRCS) $(SIMDJSON_LIBS)

# The AVX-512 stage 1 of json_simd_stage1.cpp (which the check #includes, for its
# static functions) held to simdjson's, index for index
STAGE1_TEXTS ?= 1000000
fuzz/stage1_check: fuzz/stage1_check.cpp $(JSON_SIMD_SRCS) $(JSON_SIMD_HDRS)
	$(FUZZ_CXX) -std=c++17 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		$(SIMDJSON_CFLAGS) -I$(srcdir)/src -o $@ fuzz/stage1_check.cpp \
		$(filter-out src/json_simd_stage1.cpp,$(JSON_SIMD_SRCS)) $(SIMDJSON_LIBS)

.PHONY: stage1-check
stage1-check: fuzz/stage1_check
	./fuzz/stage1_check $(STAGE1_TEXTS)

.PHONY: fuzz
fuzz: fuzz/json_simd_fuzzer
	mkdir -p fuzz/work
	cp -n fuzz/corpus/* fuzz/work/ 2>/dev/null || true
	./fuzz/json_simd_fuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 fuzz/work
