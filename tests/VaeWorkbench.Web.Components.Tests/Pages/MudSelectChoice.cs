using AngleSharp.Dom;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace VaeWorkbench.Web.Components.Tests.Pages;

/// <summary>
/// Picks an option of a MudSelect as a person does: open the list, click the item. The items render into the
/// <see cref="MudPopoverProvider"/>, in the popover whose id the select's cascading placeholder names.
/// </summary>
internal static class MudSelectChoice
{
    public static void Choose<T>(IRenderedComponent<T> page, IRenderedComponent<MudPopoverProvider> provider, string wrapper, string itemText)
        where T : IComponent
    {
        page.Find($"{wrapper} div.mud-input-control.mud-select").MouseDown();
        var popover = page.Find($"{wrapper} .mud-popover-cascading-value").Id!.Replace("popover-", "popovercontent-");
        provider.WaitForAssertion(() => Assert.NotEmpty(Items(provider, popover)));
        Items(provider, popover).First(i => i.TextContent.Trim().StartsWith(itemText, StringComparison.Ordinal)).Click();
    }

    private static IEnumerable<IElement> Items(IRenderedComponent<MudPopoverProvider> provider, string popover) =>
        provider.FindAll($"#{popover} .mud-list-item");
}
