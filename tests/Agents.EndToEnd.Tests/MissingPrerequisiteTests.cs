using Agents.Harness;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// The harness knows no NUnit: a missing server or data file is a <see cref="MissingPrerequisiteException"/>, and the
/// assembly's <c>MissingPrerequisites</c> attribute (Agents.Testing) maps it. Under <c>CI=true</c> that must be a
/// failure, never a skip: a run without its servers must not pass as green.
/// </summary>
[TestFixture]
public class MissingPrerequisiteTests
{
    [Test]
    public void What_must_fail_fails_the_test()
    {
        var failure = Assert.Throws<AssertionException>(() => MissingPrerequisiteException.Raise("no broker", mustFail: true));
        Assert.That(failure!.Message, Does.Contain("no broker"));
    }

    [Test]
    public void What_may_be_skipped_skips_the_test()
    {
        var skip = Assert.Throws<IgnoreException>(() => MissingPrerequisiteException.Raise("no broker", mustFail: false));
        Assert.That(skip!.Message, Does.Contain("no broker"));
    }

    /// <summary>The path a proof takes through the harness, with this run's own CI variable.</summary>
    [Test]
    public void A_missing_data_file_fails_under_CI_and_is_skipped_elsewhere()
    {
        static void Require() => SharedDataFile.Require("no-such-folder/no-such-file.json");
        if (TestServers.RunningUnderCi)
            Assert.Throws<AssertionException>(Require);
        else
            Assert.Throws<IgnoreException>(Require);
    }
}
