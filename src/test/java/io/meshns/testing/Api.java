package io.meshns.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.ValidatableResponse;

/** Calls a meshns function over HTTP, as a user with curl would. */
public final class Api {

    private Api() {
    }

    public static ValidatableResponse call(String function, String json) {
        return given().contentType("application/json").body(json).when().post("/" + function).then();
    }

    /** Calls and expects a 4xx/5xx with the contract's JSON error body. */
    public static ValidatableResponse fails(String function, String json, int status, String error) {
        return call(function, json).statusCode(status)
                .contentType("application/json")
                .body("error", org.hamcrest.Matchers.equalTo(error))
                .body("message", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
    }
}
