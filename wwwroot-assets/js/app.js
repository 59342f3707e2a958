// The app's own page behaviour, kept in a file because the Content-Security-Policy allows no inline scripts or
// inline event handlers (script-src 'self'). One delegated listener serves every page, also after Blazor navigations.
document.addEventListener('click', event => {
    if (event.target instanceof Element && event.target.closest('[data-print]')) window.print();
});

// The model card editor (ModelCardSection.razor). Every Blazor event whose target is a textarea carries the textarea's
// whole value in one circuit message, and the circuit refuses messages over 32 KB while a card may hold 64 KiB. So the
// textarea's input is announced again on the element around it (data-draft-holder) as 'draftchanged', a Blazor event
// that carries nothing, and the server reads the text with vwbTextOf as a stream, which Blazor sends in chunks.
document.addEventListener('input', event => {
    const holder = event.target instanceof Element ? event.target.closest('[data-draft-holder]') : null;
    if (holder && holder !== event.target) holder.dispatchEvent(new CustomEvent('vwbdraftchanged', { bubbles: true }));
});
Blazor.registerCustomEventType('draftchanged', { browserEventName: 'vwbdraftchanged', createEventArgs: () => ({}) });
window.vwbTextOf = id => new TextEncoder().encode(document.getElementById(id)?.value ?? '');

// The light/dark choice, mirrored from the server (MainLayout) so the next page's first paint is already right.
window.vwbSetThemeCookie = (name, value) => {
    document.cookie = `${name}=${encodeURIComponent(value)}; path=/; max-age=31536000; samesite=lax`;
};

// Copy buttons (the team page's invite link). The clipboard API needs a secure context; localhost and HTTPS are.
window.vwbCopyText = text => navigator.clipboard.writeText(text);
