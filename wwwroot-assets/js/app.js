// The app's own page behaviour, kept in a file because the Content-Security-Policy allows no inline scripts or
// inline event handlers (script-src 'self'). One delegated listener serves every page, also after Blazor navigations.
document.addEventListener('click', event => {
    if (event.target instanceof Element && event.target.closest('[data-print]')) window.print();
});
