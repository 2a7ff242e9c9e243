using System.Globalization;
using System.Text;

namespace Mycnet.Networking.Testing.Topology;

/// <summary>Which packets a loss rule drops.</summary>
public enum LossDirection
{
    /// <summary>Packets arriving on the device.</summary>
    Ingress,

    /// <summary>Packets leaving through the device.</summary>
    Egress,

    /// <summary>Both.</summary>
    Both,
}

/// <summary>
/// Loss and blackholes on a namespace's devices with nftables: <c>numgen random mod 100 &lt; N drop</c>
/// for random loss, plain <c>drop</c> for a blackhole (the link stays up, packets vanish). The whole
/// table is replaced atomically on every change and goes away with the namespace.
/// </summary>
public sealed class NamespaceFirewall
{
    private const string Table = "mycnet_topology";
    private readonly NetworkNamespace _namespace;
    private readonly Dictionary<string, (int Percent, LossDirection Direction)> _rules = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    internal NamespaceFirewall(NetworkNamespace networkNamespace)
    {
        _namespace = networkNamespace;
    }

    /// <summary>Drops <paramref name="percent"/> percent of the packets on <paramref name="device"/>, at random.</summary>
    public void SetLoss(string device, int percent, LossDirection direction = LossDirection.Both)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 99);
        Set(device, percent, direction);
    }

    /// <summary>Drops every packet on <paramref name="device"/> in both directions; the link stays up.</summary>
    public void SetBlackhole(string device) => Set(device, 100, LossDirection.Both);

    /// <summary>Removes the rule on one device.</summary>
    public void Clear(string device)
    {
        lock (_gate)
        {
            _rules.Remove(device);
            Apply();
        }
    }

    /// <summary>Removes every rule.</summary>
    public void ClearAll()
    {
        lock (_gate)
        {
            _rules.Clear();
            Apply();
        }
    }

    /// <summary>The namespace's current ruleset as nft prints it.</summary>
    public string ListRuleset() => _namespace.Exec("nft", ["list", "ruleset"]).StandardOutput;

    private void Set(string device, int percent, LossDirection direction)
    {
        ValidateDevice(device);
        lock (_gate)
        {
            _rules[device] = (percent, direction);
            Apply();
        }
    }

    private void Apply()
    {
        // "table X; delete table X" makes the delete valid whether or not the table exists; the new
        // definition follows in the same atomic transaction.
        var script = new StringBuilder();
        script.Append("table inet ").Append(Table).Append('\n');
        script.Append("delete table inet ").Append(Table).Append('\n');
        if (_rules.Count > 0)
        {
            script.Append("table inet ").Append(Table).Append(" {\n");
            AppendChain(script, "input", "input", LossDirection.Ingress, "iifname");
            AppendChain(script, "output", "output", LossDirection.Egress, "oifname");
            script.Append("  chain forward {\n    type filter hook forward priority -10; policy accept;\n");
            foreach ((string device, (int percent, LossDirection direction)) in _rules)
            {
                if (direction != LossDirection.Egress)
                {
                    AppendRule(script, "iifname", device, percent);
                }

                if (direction != LossDirection.Ingress)
                {
                    AppendRule(script, "oifname", device, percent);
                }
            }

            script.Append("  }\n}\n");
        }

        _namespace.Exec("nft", ["-f", "-"], script.ToString());
    }

    private void AppendChain(StringBuilder script, string name, string hook, LossDirection matching, string selector)
    {
        script.Append("  chain ").Append(name).Append(" {\n    type filter hook ").Append(hook).Append(" priority -10; policy accept;\n");
        foreach ((string device, (int percent, LossDirection direction)) in _rules)
        {
            if (direction == matching || direction == LossDirection.Both)
            {
                AppendRule(script, selector, device, percent);
            }
        }

        script.Append("  }\n");
    }

    private static void AppendRule(StringBuilder script, string selector, string device, int percent)
    {
        script.Append("    ").Append(selector).Append(" \"").Append(device).Append('"');
        if (percent < 100)
        {
            script.Append(" numgen random mod 100 < ").Append(percent.ToString(CultureInfo.InvariantCulture));
        }

        script.Append(" drop\n");
    }

    private static void ValidateDevice(string device)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        if (device.Length > 15 || !device.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"'{device}' is not a device name.", nameof(device));
        }
    }
}
