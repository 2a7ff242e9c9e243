using System.Net.NetworkInformation;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// The portable change source: the BCL's <see cref="NetworkChange"/> events. Used where rtnetlink is
/// not available; it watches the process's own namespace only.
/// </summary>
internal sealed class NetworkChangeSource : ILinkChangeSource
{
    private Action? _changed;

    public void Start(Action changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        _changed = changed;
        NetworkChange.NetworkAddressChanged += OnAddressChanged;
        NetworkChange.NetworkAvailabilityChanged += OnAvailabilityChanged;
    }

    public ValueTask DisposeAsync()
    {
        NetworkChange.NetworkAddressChanged -= OnAddressChanged;
        NetworkChange.NetworkAvailabilityChanged -= OnAvailabilityChanged;
        return ValueTask.CompletedTask;
    }

    private void OnAddressChanged(object? sender, EventArgs e) => _changed?.Invoke();

    private void OnAvailabilityChanged(object? sender, NetworkAvailabilityEventArgs e) => _changed?.Invoke();
}
