/* Draws the sites on a Leaflet map. Markers are shown even when the tiles cannot be loaded. */
(function () {
  "use strict";
  document.querySelectorAll("[data-registry-map]").forEach(function (el) {
    if (typeof L === "undefined") { return; }
    var markers = JSON.parse(document.getElementById(el.dataset.markers).textContent);
    var map = L.map(el, { scrollWheelZoom: false });
    map.attributionControl.setPrefix(false);  // the attribution is text only (no outside link or flag)
    L.Icon.Default.imagePath = el.dataset.images;
    var offline = !el.dataset.tiles;
    if (offline) {
      el.classList.add("map-offline");  // a plain background: nothing is requested from outside this site
    } else {
      L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var bounds = [];
    markers.forEach(function (m) {
      var link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.name;
      var popup = document.createElement("div");
      popup.appendChild(link);
      if (m.kind) { popup.appendChild(document.createElement("br")); popup.appendChild(document.createTextNode(m.kind)); }
      var marker = L.marker([m.lat, m.lng], { title: m.name, alt: m.name }).addTo(map).bindPopup(popup);
      if (offline) { marker.bindTooltip(m.name, { permanent: true, direction: "right", className: "map-label" }); }
      bounds.push([m.lat, m.lng]);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [40, 40] }); }
    else if (bounds.length === 1) { map.setView(bounds[0], 13); }
    else { map.setView([55.75, 37.62], 10); }
    el.dataset.ready = "true";
  });
})();
