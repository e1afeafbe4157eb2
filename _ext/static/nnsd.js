// Fixes to the page behaviour of Jupyter Book 1.x (loaded on every page by _ext/nnsd_sphinx.py).
//
// sphinx-togglebutton 0.4.5 listens for clicks on a dropdown's title bar and
// looks for the toggle button relative to the clicked element. A solution's
// title holds a link back to its exercise ("Solution to Exercise 2.3"); a
// click on that link reached the handler with no button to find and threw
// "ReferenceError: button is not defined". The link should simply navigate, so
// its click stops at the link.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".admonition-title a").forEach((link) => {
    link.addEventListener("click", (event) => event.stopPropagation());
  });
});
