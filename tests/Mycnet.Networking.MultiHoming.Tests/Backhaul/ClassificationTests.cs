using System.Net;
using Mycnet.Networking.MultiHoming.Backhaul;

namespace Mycnet.Networking.MultiHoming.Tests.Backhaul;

public sealed class ClassificationTests
{
    private static readonly InterfaceClassifier Default = new(new BackhaulDiscoveryOptions());

    [Theory]
    [InlineData("eth0", BackhaulInterfaceKind.Ethernet)]
    [InlineData("eno1", BackhaulInterfaceKind.Ethernet)]
    [InlineData("enp3s0", BackhaulInterfaceKind.Ethernet)]
    [InlineData("ens160", BackhaulInterfaceKind.Ethernet)]
    [InlineData("wlan0", BackhaulInterfaceKind.WiFi)]
    [InlineData("wlp2s0", BackhaulInterfaceKind.WiFi)]
    [InlineData("wwan0", BackhaulInterfaceKind.Cellular)]
    [InlineData("ppp0", BackhaulInterfaceKind.Cellular)]
    [InlineData("usb0", BackhaulInterfaceKind.UsbTether)]
    [InlineData("enx00e04c680001", BackhaulInterfaceKind.UsbTether)]
    [InlineData("bnep0", BackhaulInterfaceKind.BluetoothPan)]
    [InlineData("docker0", BackhaulInterfaceKind.Unknown)]
    [InlineData("veth1234", BackhaulInterfaceKind.Unknown)]
    public void Classify_DefaultNamePatterns(string name, BackhaulInterfaceKind expected) =>
        Assert.Equal(expected, Default.Classify(name, default));

    [Fact]
    public void Classify_SysfsAttributesWinOverNames_UnlessDisabled()
    {
        Assert.Equal(BackhaulInterfaceKind.WiFi, Default.Classify("eth1", new SysfsAttributes(IsWireless: true, DevType: null)));
        Assert.Equal(BackhaulInterfaceKind.Cellular, Default.Classify("usb0", new SysfsAttributes(false, "wwan")));
        Assert.Equal(BackhaulInterfaceKind.BluetoothPan, Default.Classify("pan0", new SysfsAttributes(false, "bluetooth")));

        var namesOnly = new InterfaceClassifier(new BackhaulDiscoveryOptions { UseSysfsAttributes = false });
        Assert.Equal(BackhaulInterfaceKind.Ethernet, namesOnly.Classify("eth1", new SysfsAttributes(true, "wlan")));
    }

    [Fact]
    public void Classify_ConfiguredPatternsReplaceDefaults_FirstMatchWins()
    {
        var classifier = new InterfaceClassifier(new BackhaulDiscoveryOptions
        {
            Patterns = [new("lte?", BackhaulInterfaceKind.Cellular), new("*", BackhaulInterfaceKind.Ethernet)],
        });

        Assert.Equal(BackhaulInterfaceKind.Cellular, classifier.Classify("lte0", default));
        Assert.Equal(BackhaulInterfaceKind.Ethernet, classifier.Classify("lte10", default));
        Assert.Equal(BackhaulInterfaceKind.Ethernet, classifier.Classify("wlan0", default));
    }

    [Fact]
    public void Discovery_IgnoresLoopbackExcludedAndUnclassified_UnlessIncluded()
    {
        var classifier = new InterfaceClassifier(new BackhaulDiscoveryOptions { ExcludedInterfaces = ["eth9*"] });
        Assert.False(classifier.IsConsidered("lo", BackhaulInterfaceKind.Ethernet));
        Assert.False(classifier.IsConsidered("eth99", BackhaulInterfaceKind.Ethernet));
        Assert.False(classifier.IsConsidered("docker0", BackhaulInterfaceKind.Unknown));
        Assert.True(classifier.IsConsidered("eth0", BackhaulInterfaceKind.Ethernet));

        var inclusive = new InterfaceClassifier(new BackhaulDiscoveryOptions { IncludeUnclassified = true });
        Assert.True(inclusive.IsConsidered("docker0", BackhaulInterfaceKind.Unknown));
    }

    [Theory]
    [InlineData("eth*", "eth0", true)]
    [InlineData("eth*", "eth", true)]
    [InlineData("eth?", "eth10", false)]
    [InlineData("*0", "wlan0", true)]
    [InlineData("w*n*", "wwan1", true)]
    [InlineData("wlan0", "wlan00", false)]
    public void Glob_MatchesStarAndQuestionMark(string pattern, string name, bool expected) =>
        Assert.Equal(expected, GlobPattern.IsMatch(pattern, name));

    [Fact]
    public void Gateways_IPv4DefaultRoutePerInterface_LowestMetricWins()
    {
        const string text = """
            Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
            eth0	00000000	02014D0A	0003	0	0	200	00000000	0	0	0
            eth0	00000000	FE014D0A	0003	0	0	100	00000000	0	0	0
            eth0	00014D0A	00000000	0001	0	0	0	00FFFFFF	0	0	0
            wlan0	00000000	02024D0A	0003	0	0	300	00000000	0	0	0
            wwan0	00000000	00000000	0001	0	0	0	00000000	0	0	0
            """;

        Dictionary<string, IPAddress> gateways = ProcNetRoutes.ParseIPv4(text);

        Assert.Equal(IPAddress.Parse("10.77.1.254"), gateways["eth0"]);
        Assert.Equal(IPAddress.Parse("10.77.2.2"), gateways["wlan0"]);
        Assert.False(gateways.ContainsKey("wwan0")); // a device route has no gateway
    }

    [Fact]
    public void Gateways_IPv6DefaultRoute()
    {
        const string text =
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0\n" +
            "20010db8000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n";

        Dictionary<string, IPAddress> gateways = ProcNetRoutes.ParseIPv6(text);

        Assert.Equal(IPAddress.Parse("fe80::1"), gateways["eth0"]);
        Assert.Single(gateways);
    }

    [Fact]
    public void Rtnetlink_LinkAddressAndMainDefaultRouteMessagesAreRelevant_PolicyTablesAreNot()
    {
        Assert.True(RtnetlinkChangeSource.IsRelevant(Message(16, [])));         // RTM_NEWLINK
        Assert.True(RtnetlinkChangeSource.IsRelevant(Message(21, [])));         // RTM_DELADDR
        Assert.True(RtnetlinkChangeSource.IsRelevant(Message(24, [2, 0, 0, 0, 254, 0, 0, 0])));  // default route, main table
        Assert.False(RtnetlinkChangeSource.IsRelevant(Message(24, [2, 24, 0, 0, 254, 0, 0, 0]))); // prefix route
        Assert.False(RtnetlinkChangeSource.IsRelevant(Message(24, [2, 0, 0, 0, 252, 0, 0, 0])));  // table > 255 (ours)
        Assert.False(RtnetlinkChangeSource.IsRelevant(Message(32, [])));        // RTM_NEWRULE
        Assert.False(RtnetlinkChangeSource.IsRelevant([1, 2, 3]));              // truncated
        byte[] lying = Message(16, []);
        lying[0] = 200;                                                          // length beyond the datagram
        Assert.False(RtnetlinkChangeSource.IsRelevant(lying));

        // Two messages in one datagram: the second one counts.
        byte[] rule = Message(32, [0, 0, 0, 0]);
        byte[] link = Message(16, []);
        Assert.True(RtnetlinkChangeSource.IsRelevant([.. rule, .. link]));
    }

    private static byte[] Message(ushort type, byte[] payload)
    {
        int length = 16 + payload.Length;
        byte[] message = new byte[(length + 3) & ~3];
        BitConverter.TryWriteBytes(message.AsSpan(0, 4), (uint)length);
        BitConverter.TryWriteBytes(message.AsSpan(4, 2), type);
        payload.CopyTo(message, 16);
        return message;
    }
}
