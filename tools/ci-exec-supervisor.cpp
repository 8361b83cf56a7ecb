// ci-exec-supervisor: runs one job of the local or sandbox provider (started by ci-exec).
#include "runtime/supervisor_job.h"

#include <cstdio>
#include <cstring>

int main(int argc, char **argv) {
  if (argc != 2 || std::strcmp(argv[1], "--help") == 0) {
    std::fprintf(stderr, "usage: ci-exec-supervisor JOB.json\n"
                         "Runs one job of ci-exec's local or sandbox provider; ci-exec starts it\n"
                         "(see docs/ci-exec-local.md).\n");
    return 2;
  }
  return runtime::runSupervisor(argv[1]);
}
