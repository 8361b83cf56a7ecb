// The built-in actions/checkout: the working tree or a ref, and submodules offline.
#include "local_test_util.h"

#include <gtest/gtest.h>

using namespace localtest;

namespace {

const std::string kGit = "git -c user.email=t@t -c user.name=t -c protocol.file.allow=always";

/// A repository beside `r` with one commit (version.txt = v1), added to `r` as the
/// submodule `lib`; removed when it goes out of scope.
class SubmoduleSource {
public:
  explicit SubmoduleSource(const Repo &r) : dir_(r.dir() + "-lib") {
    sh("rm -rf " + quote(dir_) + " && git init -q " + quote(dir_) + " && cd " + quote(dir_) +
       " && echo v1 > version.txt && git add . && " + kGit + " commit -qm v1");
    added_ = sh("cd " + quote(r.dir()) + " && " + kGit + " submodule add -q " + quote(dir_) + " lib");
  }
  ~SubmoduleSource() { sh("rm -rf " + quote(dir_)); }
  const Output &added() const { return added_; }

private:
  std::string dir_;
  Output added_;
};

TEST(LocalCheckout, SubmodulesComeFromTheLocalCheckoutOnlyWhenAskedFor) {
  Repo r;
  SubmoduleSource lib(r);
  ASSERT_EQ(lib.added().exit, 0) << lib.added().text;
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
  sh("cd " + quote(r.dir()) + "/lib && echo v2 > version.txt && " + kGit + " commit -qam v2");
  int code = -1;
  nlohmann::json doc = r.run("wf.yml", "", &code);
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
  SubmoduleSource lib(r);
  sh("cd " + quote(r.dir()) + " && " + kGit + " commit -qm sub && git submodule deinit -q -f lib");
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
  EXPECT_EQ(code, 1);
  std::string log = r.log(1, "co", 1);
  EXPECT_NE(log.find("submodule 'lib' is not checked out in the local repository"), std::string::npos) << log;
  EXPECT_NE(log.find("git submodule update --init"), std::string::npos) << log;
}

} // namespace
