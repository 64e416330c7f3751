using NUnit.Framework;
using NUnit.Framework.Interfaces;
using Agents.Harness;

namespace Agents.Testing;

/// <summary>
/// The NUnit side of <see cref="MissingPrerequisiteException"/>: a missing server or data file fails the test under
/// <c>CI=true</c> and skips it elsewhere. Every test project applies it to its assembly (an
/// <c>AssemblyAttribute</c> in its csproj), so NUnit installs the mapping before the first test, whichever harness
/// type that test touches first.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class MissingPrerequisitesAttribute : Attribute, ITestAction
{
    public ActionTargets Targets => ActionTargets.Suite;

    public void BeforeTest(ITest test) => MissingPrerequisiteException.Handler = ReportToNUnit;

    public void AfterTest(ITest test) { }

    private static void ReportToNUnit(MissingPrerequisiteException missing)
    {
        if (missing.MustFail)
            Assert.Fail(missing.Message);
        Assert.Ignore(missing.Message);
    }
}
