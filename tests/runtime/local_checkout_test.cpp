// The built-in actions/checkout: the working tree or a ref, and submodules offline.
#include "local_test_util.h"

#include <gtest/gtest.h>

using namespace localtest;

namespace {

TEST(LocalCheckout, SubmodulesComeFromTheLocalCheckoutOnlyWhenAskedFor) {
  Repo r;
  std::string git = "git -c user.email=t@t -c user.name=t -c protocol.file.allow=always";
  std::string lib = r.dir() + "/../" + fs::path(r.dir()).filename().string() + "-lib";
  sh("rm -rf " + quote(lib) + " && git init -q " + quote(lib) + " && cd " + quote(lib) +
     " && echo v1 > version.txt && git add . && " + git + " commit -qm v1");
  Output added = sh("cd " + quote(r.dir()) + " && " + git + " submodule add -q " + quote(lib) + " lib");
  ASSERT_EQ(added.exit, 0) << added.text;
  r.write("wf.yml", R"Y(on: push
jobs:
  co:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "plain=$(ls -A lib | wc -l)"
      - uses: actions/checkout@v4
        with:
          path: tree
          submodules: true
      - run: echo "tree=$(cat tree/lib/version.txt) $(git -C tree/lib log -1 --format=%s)"
      - uses: actions/checkout@v4
        with:
          path: at-sha
          ref: ${{ github.sha }}
          submodules: recursive
      - run: echo "at-sha=$(cat at-sha/lib/version.txt)"
)Y");
  r.commit();
  // The submodule's checkout moves on after the superproject recorded v1.
  sh("cd " + quote(r.dir()) + "/lib && echo v2 > version.txt && " + git + " commit -qam v2");
  int code = -1;
  nlohmann::json doc = r.run("wf.yml", "", &code);
  sh("rm -rf " + quote(lib));
  ASSERT_EQ(code, 0) << doc.dump(2);
  // Without `submodules:` the submodule is an empty directory, as on GitHub.
  EXPECT_NE(r.log(1, "co", 2).find("plain=0"), std::string::npos) << r.log(1, "co", 2);
  // The working tree as it is: the submodule's own working tree, a working git checkout.
  EXPECT_NE(r.log(1, "co", 4).find("tree=v2 v2"), std::string::npos) << r.log(1, "co", 4);
  // At a ref: the commit the superproject records for the submodule.
  EXPECT_NE(r.log(1, "co", 6).find("at-sha=v1"), std::string::npos) << r.log(1, "co", 6);
}

TEST(LocalCheckout, AnUninitialisedSubmoduleIsAClearFailure) {
  Repo r;
  std::string git = "git -c user.email=t@t -c user.name=t -c protocol.file.allow=always";
  std::string lib = r.dir() + "/../" + fs::path(r.dir()).filename().string() + "-lib";
  sh("rm -rf " + quote(lib) + " && git init -q " + quote(lib) + " && cd " + quote(lib) +
     " && echo v1 > version.txt && git add . && " + git + " commit -qm v1");
  sh("cd " + quote(r.dir()) + " && " + git + " submodule add -q " + quote(lib) + " lib && " + git +
     " commit -qm sub && git submodule deinit -q -f lib");
  r.write("wf.yml", R"Y(on: push
jobs:
  co:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          submodules: true
)Y");
  r.commit();
  int code = -1;
  r.run("wf.yml", "", &code);
  sh("rm -rf " + quote(lib));
  EXPECT_EQ(code, 1);
  std::string log = r.log(1, "co", 1);
  EXPECT_NE(log.find("submodule 'lib' is not checked out in the local repository"), std::string::npos) << log;
  EXPECT_NE(log.find("git submodule update --init"), std::string::npos) << log;
}

} // namespace
