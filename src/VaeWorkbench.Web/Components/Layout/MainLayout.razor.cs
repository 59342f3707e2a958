using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.JSInterop;
using MudBlazor;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Theming;

namespace VaeWorkbench.Web.Components.Layout;

public partial class MainLayout : IDisposable
{
    private readonly MudTheme theme = WorkbenchTheme.Create();
    private MudThemeProvider? themeProvider;
    private bool drawerOpen = true;
    private bool isDarkMode;
    private bool systemIsDark;
    private ThemeChoice themeChoice;
    private Workspace? workspace;

    [CascadingParameter] public Task<AuthenticationState>? AuthenticationState { get; set; }

    [CascadingParameter] public HttpContext? HttpContext { get; set; }

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public IJSRuntime JS { get; set; } = default!;

    [Inject] public IHttpContextAccessor HttpContextAccessor { get; set; } = default!;

    private string ThemeIcon => IconFor(themeChoice);

    private static string IconFor(ThemeChoice choice) => choice switch
    {
        ThemeChoice.Light => Icons.Material.Filled.LightMode,
        ThemeChoice.Dark => Icons.Material.Filled.DarkMode,
        _ => Icons.Material.Filled.BrightnessAuto,
    };

    protected override async Task OnInitializedAsync()
    {
        // First paint: the cookie mirrors the last choice made in this browser. A system choice paints light until the
        // circuit can ask the browser, which takes one round trip.
        (themeChoice, systemIsDark) = ThemeChoices.Parse((HttpContext ?? HttpContextAccessor.HttpContext)?.Request.Cookies[ThemeChoices.Cookie]);
        if (AuthenticationState is null) { ApplyTheme(); return; }
        var user = (await AuthenticationState).User;
        if (user.Identity?.IsAuthenticated == true)
        {
            var saved = await Run.RunAsync<ThemePreferences, ThemeChoice?>(p => p.GetAsync(user.UserId()));
            if (saved is not null) themeChoice = saved.Value;
            workspace = new Workspace(Run, user.UserId(), user.Identity.Name ?? "");
            workspace.Changed += OnWorkspaceChanged;
            await workspace.ReloadAsync();
        }
        ApplyTheme();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || themeProvider is null) return;
        systemIsDark = await themeProvider.GetSystemDarkModeAsync();
        await themeProvider.WatchSystemDarkModeAsync(OnSystemThemeChanged);
        ApplyTheme();
        await MirrorToCookieAsync();
        StateHasChanged();
    }

    private Task OnSystemThemeChanged(bool dark)
    {
        systemIsDark = dark;
        ApplyTheme();
        return InvokeAsync(StateHasChanged);
    }

    private async Task ChooseThemeAsync(ThemeChoice choice)
    {
        themeChoice = choice;
        ApplyTheme();
        if (workspace is not null) await Run.RunAsync<ThemePreferences>(p => p.SetAsync(workspace.UserId, choice));
        await MirrorToCookieAsync();
    }

    private void ApplyTheme() => isDarkMode = themeChoice switch
    {
        ThemeChoice.Dark => true,
        ThemeChoice.Light => false,
        _ => systemIsDark,
    };

    private async Task MirrorToCookieAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("vwbSetThemeCookie", ThemeChoices.Cookie, themeChoice.ToCookieValue(systemIsDark));
        }
        catch (JSDisconnectedException)
        {
            // The tab closed; the database still has the choice.
        }
    }

    private void ToggleDrawer() => drawerOpen = !drawerOpen;

    private void OnWorkspaceChanged() => InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        if (workspace is not null) workspace.Changed -= OnWorkspaceChanged;
    }
}
