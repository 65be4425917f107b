// Review page behaviour: redact the selected text, and draw boxes on PDF
// pages. Everything else is plain HTML forms, so the page works with the
// keyboard alone. No data leaves the page except through its own forms.
"use strict";
(function () {
  // textOffset returns the number of UTF-16 code units of text in root
  // before (node, offset).
  function textOffset(root, node, offset) {
    var r = document.createRange();
    r.setStart(root, 0);
    r.setEnd(node, offset);
    return r.toString().length;
  }
  function segOf(node) {
    while (node && !(node.nodeType === 1 && node.classList.contains("seg") && node.hasAttribute("data-seg"))) {
      node = node.parentNode;
    }
    return node;
  }
  var form = document.getElementById("addtext");
  if (form) {
    var status = document.getElementById("add-status");
    form.addEventListener("submit", function (ev) {
      var sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) {
        ev.preventDefault();
        status.textContent = "Select some text in the document first.";
        return;
      }
      var range = sel.getRangeAt(0);
      var a = segOf(range.startContainer), b = segOf(range.endContainer);
      if (!a || a !== b) {
        ev.preventDefault();
        status.textContent = "Select text within one part of the document.";
        return;
      }
      document.getElementById("add-seg").value = a.getAttribute("data-seg");
      document.getElementById("add-start").value = textOffset(a, range.startContainer, range.startOffset);
      document.getElementById("add-end").value = textOffset(a, range.endContainer, range.endOffset);
    });
  }
  // Drawing a box: press, drag, release; the box's position fills the
  // page's form, which is then submitted.
  var NS = "http://www.w3.org/2000/svg";
  document.querySelectorAll("svg.overlay").forEach(function (svg) {
    var start = null, rect = null;
    function point(ev) {
      var p = svg.createSVGPoint();
      p.x = ev.clientX; p.y = ev.clientY;
      return p.matrixTransform(svg.getScreenCTM().inverse());
    }
    function box(a, b) {
      return {x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y)};
    }
    svg.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) { return; }
      ev.preventDefault();
      start = point(ev);
      rect = document.createElementNS(NS, "rect");
      rect.setAttribute("class", "drawing");
      svg.appendChild(rect);
      if (svg.setPointerCapture) { svg.setPointerCapture(ev.pointerId); }
    });
    svg.addEventListener("pointermove", function (ev) {
      if (!start) { return; }
      var b = box(start, point(ev));
      rect.setAttribute("x", b.x); rect.setAttribute("y", b.y);
      rect.setAttribute("width", b.w); rect.setAttribute("height", b.h);
    });
    svg.addEventListener("pointerup", function (ev) {
      if (!start) { return; }
      var b = box(start, point(ev));
      start = null;
      if (b.w < 3 || b.h < 3) { rect.remove(); return; }
      var page = svg.getAttribute("data-page");
      var f = document.querySelector("form.boxform[data-page='" + page + "']");
      f.elements.x.value = b.x.toFixed(1);
      f.elements.y.value = b.y.toFixed(1);
      f.elements.w.value = b.w.toFixed(1);
      f.elements.h.value = b.h.toFixed(1);
      f.requestSubmit();
    });
  });
})();
