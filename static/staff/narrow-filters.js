'use strict';
// On a phone a list's filters sit above it: all but the first one (the call-back queue's)
// start folded, so the list begins on the first screen; one tap unfolds a filter.
if (window.matchMedia('(max-width: 767px)').matches) {
    document.addEventListener('DOMContentLoaded', () => {
        const filters = document.querySelectorAll('#changelist-filter details');
        filters.forEach((filter, index) => {
            if (index > 0 && !filter.querySelector('li.selected:not(:first-child)')) {
                filter.removeAttribute('open');
            }
        });
    });
}
