using System.Security.Claims;
using Agents.Writer.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;

namespace Agents.Writer.Approvals;

/// <summary>
/// The approval page: static files from wwwroot (no auth, no secrets in them) with a strict
/// Content-Security-Policy, and the few endpoints the page needs beyond the approval API (authenticated; routes:
/// <see cref="WriterApi"/>).
/// </summary>
public static class ApprovalPage
{
    // No inline script or style anywhere: ticket text that slipped into the DOM as markup still could not run.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Security headers on every answer, then index.html at / and the page's assets.</summary>
    public static WebApplication UseApprovalPage(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });

        var files = WebRoot(app.Environment);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            // Revalidate every time (ETag): a new release of the page is picked up at once.
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }

    /// <summary>Who the page's token belongs to: the approver's name.</summary>
    public record Approver(string? Name);

    /// <summary>GET /approvals/me: the page's sign-in check.</summary>
    public static Ok<Approver> Me(ClaimsPrincipal user) => TypedResults.Ok(new Approver(user.Identity!.Name));

    /// <summary>The one change feed the page's event stream and poll read, stopped with the application.</summary>
    public static ApprovalChangeFeed ChangeFeed(WebApplication app)
    {
        var options = app.Configuration.GetSection(ApprovalPageOptions.Section).Get<ApprovalPageOptions>() ?? new();
        return new ApprovalChangeFeed(
            app.Services.GetRequiredService<IDbContextFactory<WriterDbContext>>(), options,
            app.Services.GetRequiredService<ILogger<ApprovalChangeFeed>>(), app.Lifetime.ApplicationStopping);
    }

    /// <summary>
    /// wwwroot beside the binaries (published, Docker), else the project's own wwwroot that the build's static web
    /// assets manifest points to (dotnet run, tests): the content root is the output folder in every case.
    /// </summary>
    private static IFileProvider WebRoot(IWebHostEnvironment environment)
    {
        if (environment.WebRootFileProvider.GetFileInfo("index.html").Exists)
            return environment.WebRootFileProvider;
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{typeof(ApprovalPage).Assembly.GetName().Name}.staticwebassets.runtime.json");
        if (File.Exists(manifest))
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(manifest));
            foreach (var root in json.RootElement.GetProperty("ContentRoots").EnumerateArray())
            {
                var path = root.GetString();
                if (path is not null && File.Exists(Path.Combine(path, "index.html")))
                    return new PhysicalFileProvider(path);
            }
        }
        return environment.WebRootFileProvider;
    }
}
