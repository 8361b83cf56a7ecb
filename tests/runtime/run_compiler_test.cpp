// runtime/run_compiler: github.repository from a git remote URL.
#include "runtime/run_compiler.h"

#include <gtest/gtest.h>

TEST(RunCompiler, RepositoryFromRemoteUrls) {
  using runtime::repositoryFromRemoteUrl;
  EXPECT_EQ(repositoryFromRemoteUrl("https://github.com/nektos/act.git"), "nektos/act");
  EXPECT_EQ(repositoryFromRemoteUrl("https://github.com/nektos/act"), "nektos/act");
  EXPECT_EQ(repositoryFromRemoteUrl("https://user@github.example.com:8443/o/n.git/"), "o/n");
  EXPECT_EQ(repositoryFromRemoteUrl("git@github.com:octo-org/hello-world.git"), "octo-org/hello-world");
  EXPECT_EQ(repositoryFromRemoteUrl("ssh://git@github.com/o/n"), "o/n");
  EXPECT_EQ(repositoryFromRemoteUrl("/srv/git/project.git"), "");
  EXPECT_EQ(repositoryFromRemoteUrl("../project"), "");
  EXPECT_EQ(repositoryFromRemoteUrl("https://github.com/solo"), "");
}
