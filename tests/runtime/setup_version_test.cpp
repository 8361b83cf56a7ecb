// The versions the built-in setup-* actions accept from the host's tools.
#include "runtime/supervisor_job.h"

#include <gtest/gtest.h>

namespace {

using runtime::versionMatches;

TEST(SetupVersion, PrefixesAndAliases) {
  EXPECT_TRUE(versionMatches("20", "v20.11.1"));
  EXPECT_TRUE(versionMatches("20.x", "v20.11.1"));
  EXPECT_TRUE(versionMatches("v20.11", "v20.11.1"));
  EXPECT_TRUE(versionMatches("3.11", "3.11.2"));
  EXPECT_FALSE(versionMatches("3.1", "3.11.2")); // a prefix of parts, not of text
  EXPECT_FALSE(versionMatches("18", "v20.11.1"));
  EXPECT_FALSE(versionMatches("20.12", "v20.11.1"));
  for (const char *any : {"", "x", "*", "latest", "lts/*", "node", "stable"})
    EXPECT_TRUE(versionMatches(any, "1.2.3")) << any;
}

TEST(SetupVersion, SemverRanges) {
  EXPECT_TRUE(versionMatches(">=1.16", "1.21.5"));
  EXPECT_TRUE(versionMatches(">= 1.16", "1.21.5"));
  EXPECT_FALSE(versionMatches(">=1.22", "1.21.5"));
  EXPECT_TRUE(versionMatches("^1.13.1", "1.21.5"));
  EXPECT_FALSE(versionMatches("^1.13.1", "2.0.0"));
  EXPECT_FALSE(versionMatches("^1.13.1", "1.13.0"));
  EXPECT_TRUE(versionMatches("^0.3.1", "0.3.9"));
  EXPECT_FALSE(versionMatches("^0.3.1", "0.4.0"));
  EXPECT_TRUE(versionMatches("~3.11", "3.11.7"));
  EXPECT_FALSE(versionMatches("~3.11", "3.12.0"));
  EXPECT_TRUE(versionMatches(">=3.8 <3.13", "3.11.2"));
  EXPECT_FALSE(versionMatches(">=3.8 <3.11", "3.11.2"));
  EXPECT_TRUE(versionMatches("18 || 20", "v20.1.0"));
  EXPECT_FALSE(versionMatches("16 || 18", "v20.1.0"));
  EXPECT_TRUE(versionMatches("<=20", "v20.5.0"));
  EXPECT_TRUE(versionMatches(">20", "v21.0.0"));
  EXPECT_FALSE(versionMatches(">20", "v20.5.0")); // greater than every 20.x
  EXPECT_TRUE(versionMatches(">20.4", "v20.5.0"));
}

} // namespace
