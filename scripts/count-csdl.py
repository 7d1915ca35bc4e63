#!/usr/bin/env python3
"""Counts the elements of CSDL XML documents with Python's standard XML parser, independently
of the generator's parser: the fields of `dataverse-codegen inspect --json`, as a Markdown table
row per document (the "Expected counts" table of metadata/public/PROVENANCE.md).

Usage: scripts/count-csdl.py FILE.xml [FILE.xml.gz ...]

Each count is the number of such elements in the whole document, all schemas together;
`properties` and `navigation_properties` count those declared in entity and complex types;
`bound_*` count operations with IsBound="true".
"""
import gzip
import sys
import xml.etree.ElementTree as ET

EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
FIELDS = [
    "entity_types", "complex_types", "enum_types", "type_definitions", "terms", "properties",
    "navigation_properties", "actions", "bound_actions", "functions", "bound_functions",
    "entity_sets", "singletons", "action_imports", "function_imports",
]


def counts(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        root = ET.parse(f).getroot()
    c = dict.fromkeys(FIELDS, 0)
    simple = {
        "EntityType": "entity_types", "ComplexType": "complex_types", "EnumType": "enum_types",
        "TypeDefinition": "type_definitions", "Term": "terms", "EntitySet": "entity_sets",
        "Singleton": "singletons", "ActionImport": "action_imports",
        "FunctionImport": "function_imports",
    }
    for schema in root.iter(EDM + "Schema"):
        for el in schema.iter():
            tag = el.tag[len(EDM):] if el.tag.startswith(EDM) else None
            if tag in simple:
                c[simple[tag]] += 1
            if tag in ("EntityType", "ComplexType"):
                c["properties"] += len(el.findall(EDM + "Property"))
                c["navigation_properties"] += len(el.findall(EDM + "NavigationProperty"))
            if tag in ("Action", "Function"):
                key = "actions" if tag == "Action" else "functions"
                c[key] += 1
                if el.get("IsBound") == "true":
                    c["bound_" + key] += 1
    return c


def main():
    print("| file | " + " | ".join(FIELDS) + " |")
    print("|---|" + "---:|" * len(FIELDS))
    for path in sys.argv[1:]:
        c = counts(path)
        name = path.rsplit("/", 1)[-1]
        print(f"| {name} | " + " | ".join(str(c[f]) for f in FIELDS) + " |")


if __name__ == "__main__":
    main()
