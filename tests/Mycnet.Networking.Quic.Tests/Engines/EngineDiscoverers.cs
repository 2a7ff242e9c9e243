using Xunit.Abstractions;
using Xunit.Sdk;

namespace Mycnet.Networking.Quic.Tests.Engines;

/// <summary>Discovers <see cref="EngineFactAttribute"/> tests: skipped cases where the class's engine cannot run.</summary>
public sealed class EngineFactDiscoverer : FactDiscoverer
{
    public EngineFactDiscoverer(IMessageSink diagnosticMessageSink)
        : base(diagnosticMessageSink)
    {
    }

    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        EngineSkippedTestCase.ReasonToSkip(testMethod) is { } reason
            ? new EngineSkippedTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)
            : base.CreateTestCase(discoveryOptions, testMethod, factAttribute);
}

/// <summary>Discovers <see cref="EngineTheoryAttribute"/> tests: one skipped case where the class's engine cannot run, the data rows otherwise.</summary>
public sealed class EngineTheoryDiscoverer : TheoryDiscoverer
{
    public EngineTheoryDiscoverer(IMessageSink diagnosticMessageSink)
        : base(diagnosticMessageSink)
    {
    }

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        EngineSkippedTestCase.ReasonToSkip(testMethod) is { } reason
            ? [new EngineSkippedTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

/// <summary>A test case reported as skipped because the engine its class needs cannot run here; the reason travels with it.</summary>
public sealed class EngineSkippedTestCase : XunitTestCase
{
    private string _reason = string.Empty;

    [Obsolete("For the deserializer only.", error: true)]
    public EngineSkippedTestCase()
    {
    }

    public EngineSkippedTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay methodDisplay, TestMethodDisplayOptions methodDisplayOptions, ITestMethod testMethod, string reason)
        : base(diagnosticMessageSink, methodDisplay, methodDisplayOptions, testMethod)
    {
        _reason = reason;
    }

    /// <summary>Why the tests of <paramref name="testMethod"/>'s class cannot run here, or null.</summary>
    public static string? ReasonToSkip(ITestMethod testMethod)
    {
        foreach (IAttributeInfo attribute in testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresQuicEngineAttribute)))
        {
            if (RequiresQuicEngineAttribute.SkipReason((QuicEngine)attribute.GetConstructorArguments().First()!) is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("EngineSkipReason", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("EngineSkipReason");
        base.Deserialize(data);
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;
}
