using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;
using VaeWorkbench.Engine.IO;

namespace VaeWorkbench.E2E.Guide;

/// <summary>
/// docs/work-as-a-team.md, step by step: invite a member with a role through a link, register a run as a model version
/// with an alias, write its card, and download it as a .vae (safetensors) file.
/// </summary>
public sealed partial class WorkAsATeamGuideTests : BrowserTest
{
    private const string Guide = "work-as-a-team";
    private const string Owner = "lin@example.test";

    protected override IDictionary<string, string>? ServerSettings => new Dictionary<string, string> { ["Training:DefaultThreads"] = "1" };

    [Fact]
    public async Task Invite_a_member_register_a_model_version_write_its_card_and_download_it()
    {
        using var api = await ApiSession.RegisterAsync(Server.BaseUrl, Owner);
        var runId = await GuideData.TrainedRunAsync(api);

        var ownerContext = await Browser.Browser.NewContextAsync(new() { BaseURL = Server.BaseUrl, ViewportSize = new() { Width = 1440, Height = 900 }, AcceptDownloads = true });
        var page = await ownerContext.NewPageAsync();
        string inviteLink = "";
        await FailureArtifacts.RunAsync(page, Server, "guide-team-owner", async () =>
        {
            await page.SignInAsync(Owner);

            // Step 1: an invite link for an Editor.
            await page.GotoAsync("/team");
            await page.WaitForInteractivityAsync();
            await page.ChooseAsync("#invite-role", "Editor");
            await page.ClickAsync("#create-invite");
            await Assertions.Expect(page.Locator("#invite-created")).ToContainTextAsync("invite for an Editor");
            inviteLink = (await page.Locator("#invite-link").TextContentAsync())!.Trim();
            await GuideShots.TakeAsync(page, Guide, "01-invite");
        });

        // Step 2: the invited person opens the link, creates an account and is in the team.
        var memberContext = await Browser.Browser.NewContextAsync(new() { BaseURL = Server.BaseUrl, ViewportSize = new() { Width = 1440, Height = 900 } });
        var member = await memberContext.NewPageAsync();
        await FailureArtifacts.RunAsync(member, Server, "guide-team-member", async () =>
        {
            await member.GotoAsync(new Uri(inviteLink).PathAndQuery);
            await Assertions.Expect(member.Locator("#join-offer")).ToContainTextAsync("lin's team as Editor");
            await GuideShots.TakeAsync(member, Guide, "02-join");
            await member.ClickAsync("#join-register");
            await member.FillAsync("#email", "sam@example.test");
            await member.FillAsync("#password", "a-long-enough-password");
            await member.FillAsync("#confirm-password", "a-long-enough-password");
            await member.ClickAsync("#register");
            await Assertions.Expect(member.GetByRole(AriaRole.Heading, new() { Name = "Welcome, sam@example.test" })).ToBeVisibleAsync();
            await member.GotoAsync("/team");
            await member.WaitForInteractivityAsync();
            await Assertions.Expect(member.Locator("#team-role")).ToContainTextAsync("Editor");
        });
        await memberContext.CloseAsync();

        await FailureArtifacts.RunAsync(page, Server, "guide-team-registry", async () =>
        {
            await page.GotoAsync("/team");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#members-grid")).ToContainTextAsync("sam@example.test");
            await GuideShots.TakeAsync(page, Guide, "03-members", page.Locator("#members-grid"));

            // Step 3: register the finished run as version 1 of a model, and point the alias production at it.
            await page.GotoAsync($"/runs/{runId}");
            await page.WaitForInteractivityAsync();
            await page.ClickAsync("#register-run");
            await page.FillAsync("#register-name", "footwear");
            await page.FillAsync("#register-tags", "fashion, shoes");
            await page.FillAsync("#register-description", "mlp on Fashion-MNIST footwear, 5 epochs.");
            await GuideShots.TakeAsync(page, Guide, "04-register");
            await page.ClickAsync("#register-submit");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/registry/footwear$"));
            await Assertions.Expect(page.Locator("#versions-grid")).ToContainTextAsync("v1", new() { Timeout = 30_000 });
            await page.FillAsync("#alias-name", "production");
            await page.ClickAsync("#set-alias");
            await Assertions.Expect(page.Locator("#versions-grid")).ToContainTextAsync("production");

            // Step 4: the model card, in Markdown with a live preview.
            await page.ClickAsync("#card-edit");
            await page.FillAsync("#card-markdown", Card);
            await Assertions.Expect(page.Locator("#card-preview h2").First).ToHaveTextAsync("Intended use");
            await GuideShots.TakeAsync(page, Guide, "05-card-editor", page.Locator("#model-card-section"));
            await page.ClickAsync("#card-save");
            await Assertions.Expect(page.Locator("#model-card-html h2").First).ToHaveTextAsync("Intended use");
            await GuideShots.TakeAsync(page, Guide, "06-registry");
            await GuideShots.TakePhoneAsync(page, Guide, "06-registry");

            // Step 5: download version 1 as a .vae file, a safetensors file any safetensors reader opens.
            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#versions-grid a.vwb-download").First.ClickAsync());
            var path = (await download.PathAsync())!;
            var loaded = ModelFile.Load(path);
            Assert.Equal(20, loaded.Model.Config.Latent);
        });
        await ownerContext.CloseAsync();
    }

    private const string Card = """
        # Footwear VAE

        ## Intended use
        Flags catalogue images that are not footwear, for review by a person.

        ## Training data
        Fashion-MNIST training images of sandals, sneakers and ankle boots.

        | metric | value |
        | --- | --- |
        | latent AUROC (footwear vs. rest) | see the Scores tab |
        """;
}
