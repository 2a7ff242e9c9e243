namespace Mycnet.Networking.Protocols.Nodes;

/// <summary>The role a node plays in the network; the pair of types decides the protocol profile.</summary>
public enum NodeType
{
    /// <summary>Backbone node: long-lived, well-connected, high-throughput links to other backbone nodes.</summary>
    Sclerotia = 1,

    /// <summary>Relay and aggregator: forwards and aggregates traffic between backbone and edge.</summary>
    Rhizomorph = 2,

    /// <summary>Client and edge node: often mobile, metered or battery-powered; wants little overhead.</summary>
    Hyphae = 3,
}
