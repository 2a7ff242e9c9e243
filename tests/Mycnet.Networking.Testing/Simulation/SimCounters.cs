using System.Globalization;
using System.Text;

namespace Mycnet.Networking.Testing.Simulation;

/// <summary>What one direction of a link has carried.</summary>
public sealed class SimLinkCounters
{
    private readonly long[] _dropped = new long[SimCounterText.CauseCount];

    /// <summary>Datagrams offered to the link.</summary>
    public long DatagramsSent { get; internal set; }

    /// <summary>Bytes offered to the link.</summary>
    public long BytesSent { get; internal set; }

    /// <summary>Datagrams handed to the destination node (duplicates count twice).</summary>
    public long DatagramsDelivered { get; internal set; }

    /// <summary>Bytes handed to the destination node.</summary>
    public long BytesDelivered { get; internal set; }

    /// <summary>Extra copies the link made.</summary>
    public long Duplicated { get; internal set; }

    /// <summary>Delivered copies with flipped bits.</summary>
    public long Corrupted { get; internal set; }

    /// <summary>Datagrams held back so that later ones overtake them.</summary>
    public long Reordered { get; internal set; }

    /// <summary>Datagrams the bottleneck marked CE.</summary>
    public long CeMarked { get; internal set; }

    /// <summary>The largest bottleneck backlog seen, in bytes.</summary>
    public long MaxQueuedBytes { get; internal set; }

    /// <summary>All datagrams dropped on this link.</summary>
    public long TotalDropped { get; private set; }

    /// <summary>Datagrams dropped on this link for <paramref name="cause"/>.</summary>
    public long Dropped(SimDropCause cause) => _dropped[(int)cause];

    internal void AddDrop(SimDropCause cause)
    {
        _dropped[(int)cause]++;
        TotalDropped++;
    }

    public override string ToString() =>
        SimCounterText.Format(
            $"sent {DatagramsSent} ({BytesSent} B), delivered {DatagramsDelivered} ({BytesDelivered} B), dup {Duplicated}, corrupt {Corrupted}, reorder {Reordered}, ce {CeMarked}, max queue {MaxQueuedBytes} B",
            _dropped);
}

/// <summary>What one node has sent and received.</summary>
public sealed class SimNodeCounters
{
    private readonly long[] _dropped = new long[SimCounterText.CauseCount];

    /// <summary>Datagrams the node emitted (a GSO batch counts each segment).</summary>
    public long DatagramsSent { get; internal set; }

    /// <summary>Bytes the node emitted.</summary>
    public long BytesSent { get; internal set; }

    /// <summary>Datagrams delivered to the node.</summary>
    public long DatagramsReceived { get; internal set; }

    /// <summary>Bytes delivered to the node.</summary>
    public long BytesReceived { get; internal set; }

    /// <summary>How many times the node's <see cref="ISimulatedNode.HandleTimeout"/> ran.</summary>
    public long Timeouts { get; internal set; }

    /// <summary>Datagrams this node sent that the network dropped.</summary>
    public long TotalDropped { get; private set; }

    /// <summary>Datagrams this node sent that the network dropped for <paramref name="cause"/>.</summary>
    public long Dropped(SimDropCause cause) => _dropped[(int)cause];

    internal void AddDrop(SimDropCause cause)
    {
        _dropped[(int)cause]++;
        TotalDropped++;
    }

    public override string ToString() =>
        SimCounterText.Format(
            $"sent {DatagramsSent} ({BytesSent} B), received {DatagramsReceived} ({BytesReceived} B), timeouts {Timeouts}",
            _dropped);
}

internal static class SimCounterText
{
    public static readonly int CauseCount = Enum.GetValues<SimDropCause>().Length;

    public static string Format(string head, long[] dropped)
    {
        var text = new StringBuilder(head);
        for (int i = 0; i < dropped.Length; i++)
        {
            if (dropped[i] != 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", dropped {(SimDropCause)i} {dropped[i]}");
            }
        }

        return text.ToString();
    }
}
