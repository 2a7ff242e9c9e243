using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// The recovery state that goes with the path data is sent on: RTT estimator, congestion
/// controller, pacer, ECN validation and loss detection (RFC 9002). With RFC 9000 migration the
/// connection has one; it moves to the new path when the connection migrates (§9.4). Multipath
/// gives each path its own.
/// </summary>
internal sealed class PathRecovery : IDisposable
{
    public PathRecovery(TransportSettings settings, bool isServer, bool carriesHandshake, int maxDatagramSize)
    {
        Rtt = new RttEstimator(settings.InitialRtt);
        Congestion = CongestionControllerFactory.Create(settings.CongestionControl, maxDatagramSize);
        Pacer = new Pacer(maxDatagramSize, burstPackets: settings.PacingBurstPackets);
        Ecn = new EcnValidator(settings.EnableEcn);
        Loss = new LossDetector(Rtt, Congestion, Ecn, isServer, carriesHandshake);
    }

    public RttEstimator Rtt { get; }

    public ICongestionController Congestion { get; }

    public Pacer Pacer { get; }

    public EcnValidator Ecn { get; }

    public LossDetector Loss { get; }

    public void SetMaxDatagramSize(int size)
    {
        Congestion.SetMaxDatagramSize(size);
        Pacer.MaxDatagramSize = size;
    }

    public void Dispose() => Loss.Dispose();
}
