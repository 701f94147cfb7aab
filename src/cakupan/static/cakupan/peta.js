/* Cakupan: choropleth maps drawn with Leaflet (no tiles, just the polygons), plus the colours and
   widths the Content-Security-Policy forbids as inline style attributes. See peta.css. */
(function () {
  "use strict";

  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  const COLOUR = /^#[0-9a-f]{6}$/i;
  const NO_COLOUR = "#cfd8dc";
  const BORDER = { color: "#ffffff", weight: 0.8 };
  const HOVER = { color: "#1c2529", weight: 2.5 };
  const PADDING = [8, 8];
  // "auto" puts the tooltip on the side of the pointer towards the middle, so it stays on the map.
  const TOOLTIP = {
    sticky: true, direction: "auto", offset: [10, 0], opacity: 1, className: "peta-tooltip",
  };

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
  }

  // Only links to this site are followed, whatever the data says.
  function safeUrl(url) {
    if (!url) return null;
    try {
      const target = new URL(url, window.location.href);
      return target.origin === window.location.origin ? target.href : null;
    } catch (error) {
      return null;
    }
  }

  function showMessage(el, text, state) {
    el.removeAttribute("role");
    el.removeAttribute("aria-label");
    el.classList.add("peta-pesan");
    const p = document.createElement("p");
    p.textContent = text;
    el.replaceChildren(p);
    el.dataset.state = state;
  }

  function tooltipHtml(props, el) {
    const label = props.label || el.dataset.labelNoData || "Tidak ada data";
    const name = props.name || props.code || "";
    let html = "<strong>" + escapeHtml(name) + "</strong><br>" + escapeHtml(label);
    if (props.estimasi) html += " " + escapeHtml(el.dataset.labelEstimasi || "(estimasi)");
    if (props.detail) {
      html += '<br><span class="peta-detail">' + escapeHtml(props.detail) + "</span>";
    }
    return html;
  }

  function draw(el, data) {
    const features = (data && Array.isArray(data.features)) ? data.features : null;
    if (!features) throw new Error("not a GeoJSON FeatureCollection");
    el.dataset.features = String(features.length);
    if (features.length === 0) {
      showMessage(el, el.dataset.labelEmpty || "Peta tidak tersedia", "empty");
      el.dataset.ready = "1";
      return;
    }
    let lastPointer = "mouse";
    let tapped = null;
    const layer = L.geoJSON(data, {
      attribution: el.dataset.attribution ? escapeHtml(el.dataset.attribution) : "",
      style: (feature) => {
        const props = feature.properties || {};
        return Object.assign({}, BORDER, {
          fillColor: COLOUR.test(props.warna) ? props.warna : NO_COLOUR,
          fillOpacity: 0.85,
          className: safeUrl(props.url) ? "peta-area peta-tautan" : "peta-area",
        });
      },
      onEachFeature: (feature, area) => {
        const props = feature.properties || {};
        const url = safeUrl(props.url);
        area.bindTooltip(tooltipHtml(props, el), TOOLTIP);
        area.on("mouseover", () => {
          area.setStyle(HOVER);
          area.bringToFront();
        });
        area.on("mouseout", () => layer.resetStyle(area));
        area.on("click", () => {
          if (!url) return;
          // On touch screens the first tap on an area shows its tooltip; a second tap drills down.
          if (lastPointer === "touch" && tapped !== area) {
            tapped = area;
            area.openTooltip();
          } else {
            window.location.assign(url);
          }
        });
      },
    });
    const bounds = layer.getBounds();
    if (!bounds.isValid()) throw new Error("no drawable geometry");

    const map = L.map(el, { zoomSnap: 0.25, attributionControl: true, scrollWheelZoom: false });
    el.addEventListener("pointerdown", (event) => { lastPointer = event.pointerType; }, true);
    layer.addTo(map);
    map.fitBounds(bounds, { padding: PADDING });
    let width = el.clientWidth;
    const onResize = () => {
      if (!el.isConnected) {
        // htmx swapped the map out of the page.
        window.removeEventListener("resize", onResize);
        map.remove();
        return;
      }
      map.invalidateSize();
      if (el.clientWidth !== width) {
        width = el.clientWidth;
        map.fitBounds(bounds, { padding: PADDING });
      }
    };
    window.addEventListener("resize", onResize);
    el.dataset.state = "ready";
    el.dataset.ready = "1";
  }

  function loadMap(el) {
    if (el.dataset.state) return;
    el.dataset.state = "loading";
    if (el.dataset.ariaLabel) {
      el.setAttribute("role", "img");
      el.setAttribute("aria-label", el.dataset.ariaLabel);
    }
    el.setAttribute("aria-busy", "true");
    const failed = (error) => {
      console.warn("peta:", el.dataset.geojson, error);
      showMessage(el, el.dataset.labelError || "Peta gagal dimuat", "error");
    };
    const done = () => el.removeAttribute("aria-busy");
    if (typeof L === "undefined") {
      failed(new Error("Leaflet is not loaded"));
      done();
      return;
    }
    const headers = { Accept: "application/geo+json, application/json" };
    fetch(el.dataset.geojson, { credentials: "same-origin", headers })
      .then((response) => {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then((data) => draw(el, data))
      .catch(failed)
      .finally(done);
  }

  // The root itself and everything inside it that matches.
  function within(root, selector) {
    const found = Array.from(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) found.unshift(root);
    return found;
  }

  function applyStyleHooks(root) {
    within(root, "[data-colour]").forEach((el) => {
      el.style.backgroundColor = el.dataset.colour;
    });
    within(root, "[data-bar-width]").forEach((el) => {
      const value = parseFloat(el.dataset.barWidth);
      el.style.width = (Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0) + "%";
    });
  }

  function init(root) {
    if (!root || !root.querySelectorAll) return;
    applyStyleHooks(root);
    within(root, ".peta[data-geojson]").forEach(loadMap);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => init(document));
  } else {
    init(document);
  }
  // Content swapped in by htmx gets the same treatment.
  document.addEventListener("htmx:load", (event) => init(event.target));
})();
