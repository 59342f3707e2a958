using Microsoft.EntityFrameworkCore;
using MudBlazor;
using VaeWorkbench.Web.Components.Registry;

namespace VaeWorkbench.Web.Components.Tests.Registry;

public sealed class RegisterRunFormTests : WorkbenchTestContext
{
    private ISnackbar Snackbar => Services.GetRequiredService<ISnackbar>();

    [Fact]
    public async Task The_button_opens_the_form_and_cancel_closes_it()
    {
        await SignInAsync(TeamRole.Editor);
        var form = Render<RegisterRunForm>(p => p.Add(c => c.RunId, Guid.NewGuid()));

        form.Find("#register-run").Click();
        Assert.NotEmpty(form.FindAll("#register-form"));
        form.Find("#register-cancel").Click();

        Assert.Empty(form.FindAll("#register-form"));
        Assert.NotEmpty(form.FindAll("#register-run"));
    }

    [Theory]
    [InlineData("", "A registered model needs a name.")]
    [InlineData("my model", "The model name 'my model' may use only letters, digits, '.', '_' and '-', and must start with a letter or digit.")]
    public async Task A_bad_name_is_refused_at_the_field_before_anything_is_sent(string name, string reason)
    {
        var user = await SignInAsync(TeamRole.Editor);
        var run = await QueueRunAsync(user, await AddReadyDatasetAsync(user));
        var form = Render<RegisterRunForm>(p => p.Add(c => c.RunId, run.Id));
        form.Find("#register-run").Click();

        form.Find("#register-name").Change(name);
        form.Find("#register-submit").Click();

        await form.WaitForAssertionAsync(() => Assert.Contains(reason, form.Find("#register-form").TextContent));
        Assert.Empty(Snackbar.ShownSnackbars);
        Assert.Equal(0, await QueryAsync(db => db.ModelVersions.CountAsync()));
        Assert.DoesNotContain("registry/", Navigation.Uri);
    }

    [Fact]
    public async Task An_over_long_tag_is_refused_at_the_field()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var run = await QueueRunAsync(user, await AddReadyDatasetAsync(user));
        var form = Render<RegisterRunForm>(p => p.Add(c => c.RunId, run.Id));
        form.Find("#register-run").Click();

        form.Find("#register-name").Change("digits-vae");
        form.Find("#register-tags").Change("mnist, " + new string('x', 41));
        form.Find("#register-submit").Click();

        await form.WaitForAssertionAsync(() => Assert.Contains("A tag", form.Find("#register-form").TextContent));
        Assert.Empty(Snackbar.ShownSnackbars);
    }

    [Fact]
    public async Task A_registration_the_server_refuses_says_why_in_a_snackbar_and_registers_nothing()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var run = await QueueRunAsync(user, await AddReadyDatasetAsync(user));
        var form = Render<RegisterRunForm>(p => p.Add(c => c.RunId, run.Id));
        form.Find("#register-run").Click();

        form.Find("#register-name").Change("digits-vae");
        form.Find("#register-tags").Change("mnist, baseline");
        form.Find("#register-submit").Click();

        await form.WaitForAssertionAsync(() => Assert.Single(Snackbar.ShownSnackbars));
        var message = Snackbar.ShownSnackbars.Single();
        Assert.Equal((Severity.Error, "Not registered: Only a succeeded run can be registered; this run is Queued."), (message.Severity, message.Message));
        Assert.Equal(0, await QueryAsync(db => db.ModelVersions.CountAsync()));
        Assert.False(form.Find("#register-submit").HasAttribute("disabled"));
        Assert.DoesNotContain("registry/", Navigation.Uri);
    }
}
