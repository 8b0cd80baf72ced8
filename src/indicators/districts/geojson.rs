//! Checking an uploaded district GeoJSON: a FeatureCollection of Polygons and MultiPolygons in
//! WGS 84 whose features carry the district code in a named property. Pure: bytes in, a compact
//! copy (only the code property kept, coordinates rounded to about a metre) or the problems,
//! each naming its feature.

use serde_json::{Map, Value, json};

/// Most features a district map holds; a city has a few hundred small areas at most.
pub const MAX_FEATURES: usize = 5_000;
/// Most problems listed; the rest are counted.
pub const MAX_PROBLEMS: usize = 50;

/// A checked map.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The FeatureCollection as stored and served: each feature with `properties.code` only.
    pub geojson: String,
    /// The district codes of the features, in file order.
    pub codes: Vec<String>,
}

/// Five decimals of a degree: about a metre, plenty for a city's districts, and half the text.
fn round(v: f64) -> f64 {
    (v * 1e5).round() / 1e5
}

fn position(p: &Value) -> Result<Value, String> {
    let coords = p.as_array().filter(|a| a.len() >= 2).ok_or("a position is not [longitude, latitude]")?;
    let lon = coords[0].as_f64().ok_or("a longitude is not a number")?;
    let lat = coords[1].as_f64().ok_or("a latitude is not a number")?;
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(format!(
            "the position [{lon}, {lat}] is not a longitude/latitude: save the file in WGS 84 (EPSG:4326), not a projected system such as UTM"
        ));
    }
    Ok(json!([round(lon), round(lat)]))
}

fn polygon(rings: &Value) -> Result<Value, String> {
    let rings = rings.as_array().filter(|r| !r.is_empty()).ok_or("a polygon has no rings")?;
    let mut out = Vec::with_capacity(rings.len());
    for ring in rings {
        let points = ring.as_array().ok_or("a ring is not a list of positions")?;
        if points.len() < 4 {
            return Err("a ring has fewer than four positions".into());
        }
        let ring: Vec<Value> = points.iter().map(position).collect::<Result<_, _>>()?;
        if ring.first() != ring.last() {
            return Err("a ring does not end where it starts".into());
        }
        out.push(Value::Array(ring));
    }
    Ok(Value::Array(out))
}

fn geometry(g: &Value) -> Result<Value, String> {
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("none");
    let coordinates = g.get("coordinates").unwrap_or(&Value::Null);
    let coordinates = match kind {
        "Polygon" => polygon(coordinates)?,
        "MultiPolygon" => {
            let parts = coordinates.as_array().filter(|p| !p.is_empty()).ok_or("a MultiPolygon has no polygons")?;
            Value::Array(parts.iter().map(polygon).collect::<Result<_, _>>()?)
        }
        other => return Err(format!("the geometry is {other}, not a Polygon or MultiPolygon")),
    };
    Ok(json!({ "type": kind, "coordinates": coordinates }))
}

/// A property value as a code: strings as they are, whole numbers without a decimal point.
fn code_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Checks a district map and names the property that carries the codes; every problem is one
/// line ("Feature 3: …").
pub fn check(bytes: &[u8], code_property: &str) -> Result<Checked, Vec<String>> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| vec![format!("not readable as JSON: {e}")])?;
    if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(vec!["the file is not a GeoJSON FeatureCollection".into()]);
    }
    let features = doc.get("features").and_then(Value::as_array).ok_or_else(|| vec!["no features".to_string()])?;
    if features.is_empty() {
        return Err(vec!["the FeatureCollection has no features".into()]);
    }
    if features.len() > MAX_FEATURES {
        return Err(vec![format!("at most {MAX_FEATURES} features")]);
    }
    let mut problems = Vec::new();
    let mut out = Vec::with_capacity(features.len());
    let mut codes: Vec<String> = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let n = i + 1;
        let mut fail = |m: String| {
            if problems.len() < MAX_PROBLEMS {
                problems.push(format!("Feature {n}: {m}"));
            }
        };
        let props = f.get("properties").and_then(Value::as_object);
        let Some(code) = props.and_then(|p| p.get(code_property)).and_then(code_of) else {
            let known: Vec<&str> = props.map(|p| p.keys().map(String::as_str).take(8).collect()).unwrap_or_default();
            fail(format!("no property „{code_property}“ with a district code (it has: {})", known.join(", ")));
            continue;
        };
        if codes.contains(&code) {
            fail(format!("the code {code} appears a second time"));
            continue;
        }
        match f.get("geometry").ok_or_else(|| "no geometry".to_string()).and_then(geometry) {
            Ok(g) => {
                let mut properties = Map::new();
                properties.insert("code".into(), Value::String(code.clone()));
                out.push(json!({ "type": "Feature", "properties": properties, "geometry": g }));
                codes.push(code);
            }
            Err(m) => fail(m),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let geojson = serde_json::to_string(&json!({ "type": "FeatureCollection", "features": out }))
        .map_err(|e| vec![e.to_string()])?;
    Ok(Checked { geojson, codes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64) -> Value {
        json!([[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]])
    }

    fn collection(features: Vec<Value>) -> Vec<u8> {
        serde_json::to_vec(&json!({ "type": "FeatureCollection", "features": features })).unwrap()
    }

    fn feature(props: Value, geometry: Value) -> Value {
        json!({ "type": "Feature", "properties": props, "geometry": geometry })
    }

    #[test]
    fn polygons_and_multipolygons_are_kept_compact() {
        let file = collection(vec![
            feature(
                json!({"BEZ_NR": "01", "NAME": "Mitte"}),
                json!({"type": "Polygon", "coordinates": square(7.6123456789, 51.96)}),
            ),
            feature(
                json!({"BEZ_NR": 2, "NAME": "Nord"}),
                json!({"type": "MultiPolygon", "coordinates": [square(7.6, 52.0), square(7.7, 52.0)]}),
            ),
        ]);
        let checked = check(&file, "BEZ_NR").unwrap();
        assert_eq!(checked.codes, ["01", "2"]);
        let doc: Value = serde_json::from_str(&checked.geojson).unwrap();
        assert_eq!(doc["features"][0]["properties"], json!({"code": "01"}), "only the code stays");
        assert_eq!(doc["features"][0]["geometry"]["coordinates"][0][0][0], json!(7.61235));
        assert_eq!(doc["features"][1]["geometry"]["type"], "MultiPolygon");
    }

    #[test]
    fn what_is_not_a_feature_collection_is_refused() {
        assert!(check(b"{", "c").unwrap_err()[0].contains("JSON"));
        assert!(check(br#"{"type":"Feature"}"#, "c").unwrap_err()[0].contains("FeatureCollection"));
        assert!(check(&collection(vec![]), "c").unwrap_err()[0].contains("no features"));
    }

    #[test]
    fn each_bad_feature_is_named() {
        let file = collection(vec![
            feature(json!({"c": "01"}), json!({"type": "Point", "coordinates": [7.6, 51.9]})),
            feature(json!({"other": "02"}), json!({"type": "Polygon", "coordinates": square(7.6, 51.9)})),
            feature(json!({"c": "03"}), json!({"type": "Polygon", "coordinates": square(400000.0, 5750000.0)})),
            feature(
                json!({"c": "04"}),
                json!({"type": "Polygon", "coordinates": [[[7.6, 51.9], [7.7, 51.9], [7.6, 51.9]]]}),
            ),
            feature(json!({"c": "05"}), json!({"type": "Polygon", "coordinates": square(7.6, 51.9)})),
            feature(json!({"c": "05"}), json!({"type": "Polygon", "coordinates": square(7.7, 51.9)})),
            feature(
                json!({"c": "06"}),
                json!({"type": "Polygon", "coordinates": [[[7.6, 51.9], [7.7, 51.9], [7.7, 52.0], [7.6, 52.1]]]}),
            ),
            feature(json!({"c": "07"}), Value::Null),
        ]);
        let problems = check(&file, "c").unwrap_err();
        assert_eq!(problems.len(), 7, "{problems:?}");
        assert!(problems[0].starts_with("Feature 1:") && problems[0].contains("Point"));
        assert!(problems[1].starts_with("Feature 2:") && problems[1].contains("„c“") && problems[1].contains("other"));
        assert!(problems[2].contains("WGS 84"));
        assert!(problems[3].contains("fewer than four"));
        assert!(problems[4].starts_with("Feature 6:") && problems[4].contains("second time"));
        assert!(problems[5].contains("does not end where it starts"));
        assert!(problems[6].starts_with("Feature 8:"));
    }

    #[test]
    fn problems_are_bounded() {
        let bad: Vec<Value> = (0..200).map(|_| feature(json!({}), Value::Null)).collect();
        assert_eq!(check(&collection(bad), "c").unwrap_err().len(), MAX_PROBLEMS);
    }
}
