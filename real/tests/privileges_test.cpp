// Dropping root for real, in a forked child (the test runner keeps its ids).
#include "real/privileges.hpp"

#include <grp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "real/tests/child.hpp"

namespace papaya::real {
namespace {

using testing::run_in_child;

TEST(Privileges, AMissingUserIsRefusedByName) {
  Checked<UserIds> u = lookup_user("papaya-no-such-user");
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error, "no such user: papaya-no-such-user");
}

TEST(Privileges, RootDropsToNobodyForGoodGroupsIncluded) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  Checked<UserIds> nobody = lookup_user("nobody");
  ASSERT_TRUE(nobody.ok()) << nobody.error;
  auto out = run_in_child([&] {
    CHILD_CHECK(can_become(nobody.value).empty());
    CHILD_CHECK(drop_privileges(nobody.value).empty());
    CHILD_CHECK(::getuid() == nobody.value.uid && ::geteuid() == nobody.value.uid);
    CHILD_CHECK(::getgid() == nobody.value.gid && ::getegid() == nobody.value.gid);
    gid_t groups[8];
    int n = ::getgroups(8, groups);
    CHILD_CHECK(n == 1 && groups[0] == nobody.value.gid);  // root's supplementary groups are gone
    CHILD_CHECK(::setuid(0) < 0);
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

TEST(Privileges, ANonRootProcessMayOnlyBecomeItself) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to become someone else first";
  Checked<UserIds> nobody = lookup_user("nobody");
  Checked<UserIds> daemon_user = lookup_user("daemon");
  ASSERT_TRUE(nobody.ok() && daemon_user.ok());
  auto out = run_in_child([&] {
    CHILD_CHECK(drop_privileges(nobody.value).empty());
    CHILD_CHECK(can_become(nobody.value).empty());
    CHILD_CHECK(drop_privileges(nobody.value).empty());  // already nobody: nothing to do
    std::string why = can_become(daemon_user.value);
    CHILD_CHECK(why.find("--user daemon needs root") == 0);
    CHILD_CHECK(drop_privileges(daemon_user.value) == why);
    return 0;
  });
  EXPECT_CHILD_OK(out);
}

}  // namespace
}  // namespace papaya::real
