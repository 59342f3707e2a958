using Microsoft.AspNetCore.Components;

namespace VaeWorkbench.Web.Components.Registry;

/// <summary>
/// <c>@ondraftchanged</c>: the text of a textarea inside the element changed (raised by <c>js/app.js</c>), with nothing
/// attached. An event on the textarea itself would carry its whole value in one circuit message, which may not exceed
/// 32 KB (<c>Datasets:BrowserMaxMessageBytes</c>) while a model card may hold 64 KiB; the card editor reads the text
/// as a stream instead. The Razor compiler looks for event attributes only on public classes named <c>EventHandlers</c>.
/// </summary>
[EventHandler("ondraftchanged", typeof(EventArgs), enableStopPropagation: true, enablePreventDefault: true)]
public static class EventHandlers;
