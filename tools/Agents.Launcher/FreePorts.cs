using System.Net;
using System.Net.Sockets;

namespace Agents.Launcher;

public static class FreePorts
{
    /// <summary>A loopback port the OS just handed out and released: free now, very likely still free when used.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
