import { describe, expect, it } from "vitest";
import { addressOrNetwork, certificateName, hostName, pathPrefix, socketAddress } from "./validate.js";

describe("route value checks", () => {
  it("normalizes host names and refuses what server_name cannot match", () => {
    expect(hostName("Shop.Example.COM.", "p")).toBe("shop.example.com");
    expect(hostName("xn--bcher-kva.test", "p")).toBe("xn--bcher-kva.test");
    for (const bad of ["bücher.test", "*.a.test", "a..test", "-a.test", "a.test:80", "a test", ""])
      expect(() => hostName(bad, "p"), bad).toThrow(expect.objectContaining({ code: "E_NGINX_CONFIG" }));
    expect(certificateName("*.A.test", "p")).toBe("*.a.test");
  });

  it("accepts path prefixes nginx can match", () => {
    expect(pathPrefix("", "p")).toBe("/");
    for (const good of ["/", "/api", "/api/", "/v1.2/users", "/@scope/x-y_z~"])
      expect(pathPrefix(good, "p")).toBe(good);
    for (const bad of ["api", "/a b", "/a//b", "/a/./b", "/a/..", "/a%2f", "/a$b", '/a"', "/a;", "/a{"])
      expect(() => pathPrefix(bad, "p"), bad).toThrow(expect.objectContaining({ code: "E_NGINX_CONFIG" }));
  });

  it("writes listen addresses, IPv6 in brackets", () => {
    expect(socketAddress("127.0.0.1", 80, "http")).toBe("127.0.0.1:80");
    expect(socketAddress("::", 443, "https")).toBe("[::]:443");
    expect(socketAddress("[::1]", 443, "https")).toBe("[::1]:443");
    expect(socketAddress("localhost", 8080, "http")).toBe("localhost:8080");
    expect(() => socketAddress("127.0.0.1", 0, "http")).toThrow(
      expect.objectContaining({ path: "http.port" }),
    );
  });

  it("accepts trusted proxies as addresses or networks", () => {
    for (const good of ["10.0.0.5", "10.0.0.0/8", "fd00::/8", "::1"])
      expect(addressOrNetwork(good, "p")).toBe(good);
    for (const bad of ["10.0.0.0/33", "10.0.0/8", "proxy.local", "10.0.0.0/8/1", "fd00::/129"])
      expect(() => addressOrNetwork(bad, "p"), bad).toThrow(
        expect.objectContaining({ code: "E_NGINX_CONFIG" }),
      );
  });
});
