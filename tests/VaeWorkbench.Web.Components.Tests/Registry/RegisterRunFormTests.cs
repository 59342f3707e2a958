using Microsoft.EntityFrameworkCore;
using Radzen;
using VaeWorkbench.Web.Components.Registry;

namespace VaeWorkbench.Web.Components.Tests.Registry;

public sealed class RegisterRunFormTests : WorkbenchTestContext
{
    [Fact]
    public async Task The_button_opens_the_form_and_cancel_closes_it()
    {
        await SignInAsync(TeamRole.Editor);
        var form = Render<RegisterRunForm>(p => p.Add(c => c.RunId, Guid.NewGuid()));

        form.Find("#register-run").Click();
        Assert.NotEmpty(form.FindAll("#register-form"));
        form.FindAll("#register-form button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        Assert.Empty(form.FindAll("#register-form"));
        Assert.NotEmpty(form.FindAll("#register-run"));
    }

    [Theory]
    [InlineData("my model", "The model name 'my model' may use only letters, digits, '.', '_' and '-', and must start with a letter or digit.")]
    [InlineData("digits-vae", "Only a succeeded run can be registered; this run is Queued.")]
    public async Task A_refused_registration_says_why_and_registers_nothing(string name, string reason)
    {
        var user = await SignInAsync(TeamRole.Editor);
        var run = await QueueRunAsync(user, await AddReadyDatasetAsync(user));
        var form = Render<RegisterRunForm>(p => p.Add(c => c.RunId, run.Id));
        form.Find("#register-run").Click();

        form.Find("#register-name").Change(name);
        form.Find("#register-tags").Change("mnist, baseline");
        form.Find("#register-submit").Click();

        var message = Assert.Single(Notifications.Messages);
        Assert.Equal((NotificationSeverity.Error, "Not registered", reason), (message.Severity, message.Summary, message.Detail));
        Assert.Equal(0, await QueryAsync(db => db.ModelVersions.CountAsync()));
        Assert.False(form.Find("#register-submit").HasAttribute("disabled"));
        Assert.DoesNotContain("registry/", Navigation.Uri);
    }
}
