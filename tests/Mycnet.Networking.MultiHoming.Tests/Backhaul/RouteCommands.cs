namespace Mycnet.Networking.MultiHoming.Tests.Backhaul;

/// <summary>The routing commands the harness's interfaces produce (table = 1000 + ifindex, rule priority 10000).</summary>
internal static class RouteCommands
{
    public const string Eth0Table = "-4 route replace 10.1.0.0/24 dev eth0 proto static scope link src 10.1.0.2 table 1002";
    public const string Eth0Default = "-4 route replace default via 10.1.0.1 dev eth0 proto static table 1002";
    public const string Eth0RuleAdd = "-4 rule add priority 10000 from 10.1.0.2 table 1002";
    public const string Eth0RuleDel = "-4 rule del priority 10000 from 10.1.0.2 table 1002";
    public const string Eth0Flush = "-4 route flush table 1002";
    public const string Wlan0Table = "-4 route replace 10.2.0.0/24 dev wlan0 proto static scope link src 10.2.0.2 table 1003";
    public const string Wlan0Default = "-4 route replace default via 10.2.0.1 dev wlan0 proto static table 1003";
    public const string Wlan0RuleAdd = "-4 rule add priority 10000 from 10.2.0.2 table 1003";
    public const string Wlan0RuleDel = "-4 rule del priority 10000 from 10.2.0.2 table 1003";
    public const string Wlan0Flush = "-4 route flush table 1003";
}
