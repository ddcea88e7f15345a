package io.meshns.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The sign-in prompt the console shows when a call answers 401: one field for a bearer token. */
public class TokenPrompt {

    private final WebDriver driver;
    private final ConsolePage page;

    TokenPrompt(WebDriver driver, ConsolePage page) {
        this.driver = driver;
        this.page = page;
    }

    /** Why the token is asked for: the API's 401 message. */
    String reason() {
        return driver.findElement(By.id("token-reason")).getText();
    }

    /**
     * Types the token and signs in; returns the page once the calls that waited have finished, or
     * once the prompt asks again (the token was not accepted).
     */
    ConsolePage signIn(String token) {
        driver.findElement(By.id("token-input")).sendKeys(token);
        driver.findElement(By.id("token-submit")).click();
        new org.openqa.selenium.support.ui.WebDriverWait(driver, ConsolePage.PATIENCE)
                .until(d -> page.tokenPromptOpen() || page.idle());
        return page;
    }
}
